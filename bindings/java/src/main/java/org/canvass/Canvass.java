package org.canvass;

import java.nio.charset.StandardCharsets;

/** What needs no store: the library's version and reading an enrollment token. */
public final class Canvass {
    private Canvass() {}

    /** The native library's version, "MAJOR.MINOR.PATCH". */
    public static String version() {
        return text(Native.version());
    }

    /**
     * What an enrollment token joins, without using it: {"project", "role", "address",
     * "expires", "expires_unix", "fingerprint"}. Show it before enrolling; "address" is where
     * to connect a {@link Transport} of your own.
     */
    public static String inspectToken(String token) throws CanvassException {
        return text(Native.tokenInspect(utf8(token)));
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
