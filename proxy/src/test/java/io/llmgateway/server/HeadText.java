package io.llmgateway.server;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** An encoded HTTP head as text (each byte one char, as on the wire), for assertions; the buffer is released. */
final class HeadText {
    private HeadText() {}

    static String of(ByteBuf head) {
        try {
            return head.toString(StandardCharsets.ISO_8859_1);
        } finally {
            head.release();
        }
    }
}
