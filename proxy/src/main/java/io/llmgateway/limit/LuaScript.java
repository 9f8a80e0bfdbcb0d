package io.llmgateway.limit;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A Lua script run atomically by Redis, named by its SHA1 so that a call sends only the digest.
 *
 * @param name for messages
 * @param source the script
 * @param sha1 the lower-case hex SHA1 of the source, what {@code EVALSHA} expects
 */
public record LuaScript(String name, String source, String sha1) {

    public LuaScript {
        requireNonNull(name, "name");
        requireNonNull(source, "source");
        requireNonNull(sha1, "sha1");
    }

    public static LuaScript of(String name, String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(40);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return new LuaScript(name, source, hex.toString());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }

    @Override
    public String toString() {
        return "LuaScript[" + name + ", " + sha1 + ']';
    }
}
