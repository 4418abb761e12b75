package dev.camelmsnftp.component;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Size options: plain bytes, SI units in powers of 1000, IEC units in powers of 1024; nothing else. */
class ByteSizesTest {

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({ "0, 0", "5000000, 5000000", "5MB, 5000000", "5 MB, 5000000", "5mb, 5000000", "1.5GB, 1500000000",
            "1GiB, 1073741824", "5MiB, 5242880", "64KB, 64000", "2KiB, 2048", "3TB, 3000000000000",
            "1TiB, 1099511627776", "42B, 42", "' 7 kb ', 7000" })
    void sizes(String text, long bytes) {
        assertThat(ByteSizes.parse(text, "maxFileSize")).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = { "", "5M", "5XB", "MB", "-1", "1.5", "5 MB MB", "0x10", "9999999999TB", "1e6" })
    void anythingElseIsRefusedNamingTheOption(String text) {
        assertThatThrownBy(() -> ByteSizes.parse(text, "maxFileSize")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxFileSize");
    }
}
