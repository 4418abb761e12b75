package dev.camelmsnftp.invite;

import java.security.SecureRandom;

/** Secure random {@code Invitation-Cookie} and {@code AuthCookie} values, in 1..4294967295 (never 0). */
public final class Cookies {

    /** The largest cookie: 2^32 - 1. */
    public static final long MAX = 0xFFFF_FFFFL;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Cookies() {
    }

    /** A fresh cookie in 1..4294967295. */
    public static long next() {
        return 1 + (RANDOM.nextLong() >>> 1) % MAX;
    }
}
