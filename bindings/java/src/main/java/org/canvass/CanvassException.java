package org.canvass;

/**
 * A failure reported by canvass: the code the C ABI returned, where it came from (the
 * domain) and a message a person can act on. Codes and domains mirror canvass.h and are
 * only ever appended.
 */
public class CanvassException extends Exception {
    private static final long serialVersionUID = 1L;

    public static final int INVALID_ARGUMENT = 1;
    public static final int NOT_FOUND = 2;
    public static final int ALREADY_EXISTS = 3;
    public static final int CORRUPT = 4;
    public static final int PERMISSION_DENIED = 5;
    public static final int IO = 6;
    public static final int UNSUPPORTED = 7;
    public static final int WRONG_KEY = 8;
    public static final int LIMIT_EXCEEDED = 9;
    public static final int TIMEOUT = 10;
    /** The server is busy or out of room: try again later. */
    public static final int UNAVAILABLE = 11;
    /** The store is in use by another handle or process: try again. */
    public static final int BUSY = 12;
    public static final int READ_ONLY = 13;
    public static final int DISK_FULL = 14;
    /** A bug in canvass: report it with the message. */
    public static final int INTERNAL = 99;

    public static final int DOMAIN_CORE = 1;
    public static final int DOMAIN_FORM = 2;
    public static final int DOMAIN_STORE = 3;
    public static final int DOMAIN_CRYPTO = 4;
    public static final int DOMAIN_NET = 5;
    public static final int DOMAIN_PROTOCOL = 6;
    public static final int DOMAIN_AUTH = 7;
    /** SQLite itself: {@link #getDomainCode()} is SQLite's extended result code. */
    public static final int DOMAIN_SQLITE = 8;

    private final int code;
    private final int domain;
    private final int domainCode;

    /** Called by the native code; `code` is what the C function returned. */
    public CanvassException(int code, int domain, int domainCode, String message) {
        super(message);
        this.code = code;
        this.domain = domain;
        this.domainCode = domainCode;
    }

    /** One of the codes above (BUSY, WRONG_KEY...): what the failure means. */
    public int getCode() {
        return code;
    }

    /** Where it came from: one of the DOMAIN_ constants. */
    public int getDomain() {
        return domain;
    }

    /** The domain's own code: SQLite's extended result code for DOMAIN_SQLITE (5 is
     * SQLITE_BUSY), otherwise the same as {@link #getCode()}. */
    public int getDomainCode() {
        return domainCode;
    }

    /** From the native code: the message as canvass wrote it, UTF-8. */
    CanvassException(int code, int domain, int domainCode, byte[] message) {
        this(code, domain, domainCode, new String(message, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "CanvassException(code " + code + ", domain " + domain + "): " + getMessage();
    }
}
