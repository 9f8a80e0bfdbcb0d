package io.llmgateway.server;

import io.llmgateway.util.Sha256;

/** Reading credentials from requests, shared by client keys and admin access. */
public final class Credentials {
    private Credentials() {}

    /** The token of an {@code Authorization: Bearer <token>} value, or null when it is not one. */
    public static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    /** SHA-256 of the UTF-8 bytes of {@code text}. */
    public static byte[] sha256(String text) {
        return Sha256.of(text);
    }
}
