package io.llmgateway.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/** Writing an HTTP/1.1 head as bytes, shared by {@link UpstreamRequestHead} and {@link ClientResponseHead}. */
final class HeadBytes {
    static final byte[] CRLF = ascii("\r\n");

    private HeadBytes() {
    }

    /** {@code name: value} and a line end; a character above U+00FF goes out as {@code ?}, as Netty writes it. */
    static void header(ByteBuf b, CharSequence name, CharSequence value) {
        ByteBufUtil.writeAscii(b, name);
        b.writeByte(':').writeByte(' ');
        ByteBufUtil.writeAscii(b, value);
        b.writeBytes(CRLF);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
