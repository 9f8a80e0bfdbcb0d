package io.llmgateway.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;

/** Wire bytes as text (each byte one char, as on the wire) and back, for assertions on what a handler writes. */
final class HeadText {
    private HeadText() {}

    static String of(ByteBuf head) {
        try {
            return head.toString(StandardCharsets.ISO_8859_1);
        } finally {
            head.release();
        }
    }

    /** Everything {@code channel} has written so far, as one text; the buffers are released. */
    static String outbound(EmbeddedChannel channel) {
        StringBuilder all = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            all.append(of(b));
        }
        return all.toString();
    }

    /** {@code s} as wire bytes, one byte per char. */
    static ByteBuf wire(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }
}
