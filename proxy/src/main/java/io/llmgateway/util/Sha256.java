package io.llmgateway.util;

import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 with a digest per thread: {@code MessageDigest.getInstance} costs a provider lookup each time, and
 * client keys and response-cache keys hash on every request.
 */
public final class Sha256 {
    private static final FastThreadLocal<MessageDigest> DIGEST = new FastThreadLocal<>() {
        @Override
        protected MessageDigest initialValue() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
        }
    };

    private Sha256() {}

    /** The digest of {@code bytes[0, length)}. */
    public static byte[] of(byte[] bytes, int length) {
        MessageDigest d = DIGEST.get();
        d.update(bytes, 0, length);
        return d.digest();
    }

    /** The digest of the UTF-8 bytes of {@code text}. */
    public static byte[] of(String text) {
        return DIGEST.get().digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
