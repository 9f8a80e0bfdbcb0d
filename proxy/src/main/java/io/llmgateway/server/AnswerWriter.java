package io.llmgateway.server;

import io.llmgateway.util.AsciiNumbers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.util.List;

/**
 * Writes a provider's 2xx answer to an HTTP/1.1 client past Netty's response encoder: the head as bytes
 * ({@link ClientResponseHead}), then the body as it arrives, framed by its length when the provider gave one
 * and the gateway sends the body unchanged, else in chunks. The writes go to the encoder's context, so they
 * reach the socket unchanged and the encoder, which never sees them, is ready for the connection's next
 * answer of another kind.
 */
final class AnswerWriter {
    private static final ByteBuf CRLF = constant("\r\n");
    private static final ByteBuf LAST_CHUNK = constant("0\r\n\r\n");
    private static final int CRLF_SHORT = ('\r' << 8) | '\n';

    private final ChannelHandlerContext out;
    private final long contentLength; // -1: chunked

    private AnswerWriter(ChannelHandlerContext out, long contentLength) {
        this.out = out;
        this.contentLength = contentLength;
    }

    /**
     * A writer for {@code answer}, or null when Netty's encoder must frame it: a transfer coding other than
     * chunked, a body that ends when the provider closes (unless the gateway chunks it anyway), or a pipeline
     * without the gateway's encoder.
     *
     * @param ctx a context of the client's pipeline
     * @param answer the provider's answer to an HTTP/1.1 request
     * @param bodyChanges whether the gateway changes the body's length on the way (it then sends it chunked)
     */
    static AnswerWriter forAnswer(ChannelHandlerContext ctx, HttpResponse answer, boolean bodyChanges) {
        HttpHeaders h = answer.headers();
        List<String> codings = h.contains(HttpHeaderNames.TRANSFER_ENCODING)
                ? h.getAll(HttpHeaderNames.TRANSFER_ENCODING)
                : List.of(); // most answers have none: no list
        long length;
        if (codings.isEmpty()) {
            length = bodyChanges ? -1 : HttpUtil.getContentLength(answer, -2L);
            if (length == -2) {
                return null;
            }
        } else if (codings.size() == 1 && HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(codings.get(0))) {
            length = -1;
        } else {
            return null;
        }
        ChannelHandlerContext out = ctx.pipeline().context(GatewayInitializer.ENCODER);
        return out == null ? null : new AnswerWriter(out, length);
    }

    /** The body's length as the head announces it, or -1 when it goes in chunks. */
    long contentLength() {
        return contentLength;
    }

    boolean chunked() {
        return contentLength < 0;
    }

    void head(ByteBuf head) {
        out.write(head);
    }

    /** Writes {@code data} (readable, released by the write) as it is, or as one chunk. */
    void content(ByteBuf data) {
        if (chunked()) {
            out.write(chunkSize(out.alloc(), data.readableBytes()));
            out.write(data);
            out.write(CRLF.duplicate());
        } else {
            out.write(data);
        }
    }

    /** Ends the body: the last chunk, or nothing when its length was announced. */
    void end() {
        if (chunked()) {
            out.write(LAST_CHUNK.duplicate());
        }
    }

    /** A chunk's size line: the length in hex and a line end. */
    static ByteBuf chunkSize(ByteBufAllocator alloc, int length) {
        int digits = Math.max(1, (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 3) / 4);
        ByteBuf size = alloc.buffer(digits + 2);
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            size.writeByte(AsciiNumbers.hexDigit(length >>> shift));
        }
        return size.writeShort(CRLF_SHORT);
    }

    private static ByteBuf constant(String ascii) {
        byte[] bytes = HeadBytes.bytesOf(ascii);
        // Direct, as the native transports write it without a copy (Netty's encoder does the same).
        return Unpooled.unreleasableBuffer(
                Unpooled.directBuffer(bytes.length).writeBytes(bytes).asReadOnly());
    }
}
