package io.llmgateway.server;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.ThreadLocalRandom;

/** Request ids: the client's {@code x-request-id} when it sent a sane one, else a random one. */
final class RequestIds {
    static final String HEADER = "x-request-id";
    private static final int MAX_LENGTH = 128;

    private RequestIds() {
    }

    static String of(HttpHeaders headers) {
        String id = headers.get(HEADER);
        return id != null && isSane(id) ? id : generate();
    }

    static String generate() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
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
