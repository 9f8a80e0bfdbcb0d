package io.llmgateway.server;

import io.llmgateway.util.AsciiNumbers;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/** Request ids: the client's {@code x-request-id} when it sent a sane one, else a random one. */
final class RequestIds {
    /** An AsciiString: Netty's header map takes its case-insensitive hash from a field instead of hashing it. */
    static final AsciiString HEADER = AsciiString.cached("x-request-id");

    private static final int MAX_LENGTH = 128;
    private static final byte[] PREFIX = {'r', 'e', 'q', '_'};

    private RequestIds() {}

    static String of(HttpHeaders headers) {
        String id = headers.get(HEADER);
        return id != null && isSane(id) ? id : generate();
    }

    static String generate() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        byte[] id = Arrays.copyOf(PREFIX, PREFIX.length + 32);
        hex(r.nextLong(), id, PREFIX.length);
        hex(r.nextLong(), id, PREFIX.length + 16);
        return new String(id, StandardCharsets.US_ASCII);
    }

    /** The 16 hex digits of {@code v}, leading zeros included, at {@code at}. */
    private static void hex(long v, byte[] to, int at) {
        for (int i = at + 15; i >= at; i--) {
            to[i] = AsciiNumbers.hexDigit(v);
            v >>>= 4;
        }
    }

    /** Ids end up in logs and upstream headers, so only printable ASCII without spaces is taken. */
    private static boolean isSane(String id) {
        if (id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
