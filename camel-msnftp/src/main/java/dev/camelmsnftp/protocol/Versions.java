package dev.camelmsnftp.protocol;

import java.util.Arrays;
import java.util.Locale;

/** The {@code VER} line: {@code VER [id] dialect...}, e.g. {@code VER MSNFTP}, {@code VER 0 MSNFTP}. */
final class Versions {

    private Versions() {
    }

    /** Whether {@code line} is a VER line that lists {@code dialect}. */
    static boolean offers(String line, Dialect dialect) {
        String[] words = line.trim().split("\\s+");
        if (words.length < 2 || !words[0].equalsIgnoreCase("VER")) {
            return false;
        }
        return Arrays.stream(words, 1, words.length)
                .anyMatch(word -> word.toUpperCase(Locale.ROOT).equals(dialect.name()));
    }

    static String line(Dialect dialect) {
        return "VER " + dialect.name();
    }
}
