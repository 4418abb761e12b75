package dev.camelmsnftp.transfer;

/**
 * Reduces a file name offered by a peer to a plain, harmless file name (SPEC section 6): no directory parts, no
 * {@code ..}, no control characters, never empty.
 */
public final class SafeFileNames {

    /** The name used when nothing usable is left of the offered one. */
    public static final String FALLBACK = "unnamed";

    private static final int MAX_LENGTH = 255;

    private SafeFileNames() {
    }

    /**
     * The last path segment of {@code offered} (either separator), without control or format characters, without
     * characters that Windows forbids in names, without leading blanks and trailing dots or blanks, at most 255
     * characters; {@link #FALLBACK} when nothing usable is left (an empty name, {@code .} or {@code ..}).
     */
    public static String toSafeName(String offered) {
        if (offered == null) {
            return FALLBACK;
        }
        String leaf = offered;
        int cut = Math.max(leaf.lastIndexOf('/'), leaf.lastIndexOf('\\'));
        if (cut >= 0) {
            leaf = leaf.substring(cut + 1);
        }
        StringBuilder name = new StringBuilder(leaf.length());
        leaf.codePoints()
                .filter(c -> !Character.isISOControl(c) && "<>:\"|?*".indexOf(c) < 0
                             && Character.getType(c) != Character.FORMAT)
                .forEach(name::appendCodePoint);
        String result = strip(name.toString());
        if (result.isEmpty() || result.chars().allMatch(c -> c == '.')) {
            return FALLBACK;
        }
        return result.length() <= MAX_LENGTH ? result : truncate(result);
    }

    private static String strip(String name) {
        int start = 0;
        int end = name.length();
        while (start < end && Character.isWhitespace(name.charAt(start))) {
            start++;
        }
        while (end > start && (name.charAt(end - 1) == '.' || Character.isWhitespace(name.charAt(end - 1)))) {
            end--;
        }
        return name.substring(start, end);
    }

    /** Keeps the extension when shortening an over-long name. */
    private static String truncate(String name) {
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
        int keep = MAX_LENGTH - extension.length();
        if (Character.isHighSurrogate(name.charAt(keep - 1))) {
            keep--;
        }
        return name.substring(0, keep) + extension;
    }
}
