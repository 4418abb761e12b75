package dev.camelmsnftp.component;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as options take them: a number of bytes ({@code 5000000}) or a number with a unit, SI units in powers of 1000
 * ({@code 5MB} is 5,000,000 bytes: KB, MB, GB, TB) and IEC units in powers of 1024 ({@code 5MiB} is 5,242,880 bytes:
 * KiB, MiB, GiB, TiB); units are case-insensitive, a space before the unit and a decimal number with a unit
 * ({@code 1.5GB}) are allowed. Anything else is refused with a message naming the option.
 */
final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([A-Za-z]*)");
    private static final Map<String, Long> UNITS = Map.of("b", 1L, "kb", 1000L, "mb", 1000_000L, "gb", 1000_000_000L,
            "tb", 1000_000_000_000L, "kib", 1L << 10, "mib", 1L << 20, "gib", 1L << 30, "tib", 1L << 40);

    private ByteSizes() {
    }

    /**
     * The size {@code text} stands for, in bytes.
     *
     * @param  option                   the option's name, for the message
     * @throws IllegalArgumentException when it is not a size
     */
    static long parse(String text, String option) {
        Matcher matcher = text == null ? null : SIZE.matcher(text.trim());
        if (matcher == null || !matcher.matches()) {
            throw invalid(text, option);
        }
        String number = matcher.group(1);
        String unit = matcher.group(2).toLowerCase(Locale.ROOT);
        Long factor = unit.isEmpty() ? Long.valueOf(1) : UNITS.get(unit);
        if (factor == null || unit.isEmpty() && number.indexOf('.') >= 0) {
            throw invalid(text, option);
        }
        BigDecimal bytes = new BigDecimal(number).multiply(BigDecimal.valueOf(factor));
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("The msnftp option " + option + " is too large: '" + text + "'");
        }
        return bytes.longValue();
    }

    private static IllegalArgumentException invalid(String text, String option) {
        return new IllegalArgumentException("The msnftp option " + option + " must be a size: a number of bytes, or a"
                                            + " number with a unit such as 5MB (5,000,000 bytes) or 1GiB (1,073,741,824"
                                            + " bytes); units KB, MB, GB, TB (powers of 1000) and KiB, MiB, GiB, TiB"
                                            + " (powers of 1024); not '" + text + "'");
    }
}
