package io.llmgateway.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/** Writing an HTTP/1.1 head as bytes, shared by {@link UpstreamRequestHead} and {@link ClientResponseHead}. */
final class HeadBytes {
    private static final int CRLF_SHORT = ('\r' << 8) | '\n';
    private static final int COLON_SPACE = (':' << 8) | ' ';

    private HeadBytes() {
    }

    /** {@code name: value} and a line end; a character above U+00FF goes out as {@code ?}, as Netty writes it. */
    static void header(ByteBuf b, CharSequence name, CharSequence value) {
        ByteBufUtil.writeAscii(b, name);
        b.writeShort(COLON_SPACE);
        ByteBufUtil.writeAscii(b, value);
        b.writeShort(CRLF_SHORT);
    }

    /** Ends a line: two bytes written as one short (a byte array's copy costs more than the bytes). */
    static void crlf(ByteBuf b) {
        b.writeShort(CRLF_SHORT);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
