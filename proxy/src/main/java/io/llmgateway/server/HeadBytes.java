package io.llmgateway.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

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

    /**
     * Writes the headers of {@code from} that {@code keep} accepts, in their order; {@code keep} gets each name
     * and the names listed in {@code from}'s {@code Connection} header ({@link HeaderPolicy#forwarded},
     * {@link HeaderPolicy#relayed}).
     */
    static void headers(ByteBuf b, HttpHeaders from, BiPredicate<CharSequence, List<String>> keep) {
        List<String> connectionListed = HeaderPolicy.connectionListed(from);
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = from.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            if (keep.test(header.getKey(), connectionListed)) {
                header(b, header.getKey(), header.getValue());
            }
        }
    }

    /** Ends a line: two bytes written as one short (a byte array's copy costs more than the bytes). */
    static void crlf(ByteBuf b) {
        b.writeShort(CRLF_SHORT);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
