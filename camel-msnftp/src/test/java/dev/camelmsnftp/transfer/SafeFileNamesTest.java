package dev.camelmsnftp.transfer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class SafeFileNamesTest {

    @ParameterizedTest(name = "[{index}] ''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', value = {
            "report.pdf|report.pdf",
            "../../etc/passwd|passwd",
            "..\\..\\windows\\system.ini|system.ini",
            "C:\\Users\\bob\\a.txt|a.txt",
            "/absolute/path/b.bin|b.bin",
            "dir/|unnamed",
            "..|unnamed",
            ".|unnamed",
            "...|unnamed",
            "'   '|unnamed",
            "''|unnamed",
            "' spaced name .txt '|spaced name .txt",
            "trailing dots...|trailing dots",
            "Résumé 漢字.pdf|Résumé 漢字.pdf",
            ".profile|.profile",
            "what?<is>:this*|whatisthis",
    })
    void reducesOfferedNamesToAPlainLeafName(String offered, String expected) {
        assertThat(SafeFileNames.toSafeName(offered)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({ "'a\u0000b\u0007c\nd\re\u001bf', abcdef", "'x\u202Eexe.txt', xexe.txt" })
    void dropsControlAndFormatCharacters(String offered, String expected) {
        assertThat(SafeFileNames.toSafeName(offered)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void nullBecomesTheFallbackName() {
        assertThat(SafeFileNames.toSafeName(null)).isEqualTo(SafeFileNames.FALLBACK);
    }

    @org.junit.jupiter.api.Test
    void overLongNamesAreCutKeepingTheExtension() {
        String name = "x".repeat(400) + ".pdf";
        String safe = SafeFileNames.toSafeName(name);
        assertThat(safe).hasSize(255).endsWith(".pdf").startsWith("xxxx");
    }

    @org.junit.jupiter.api.Test
    void cuttingNeverSplitsASurrogatePair() {
        String name = "a" + "😀".repeat(200);
        String safe = SafeFileNames.toSafeName(name);
        assertThat(safe.length()).isLessThanOrEqualTo(255);
        assertThat(Character.isHighSurrogate(safe.charAt(safe.length() - 1))).isFalse();
    }
}
