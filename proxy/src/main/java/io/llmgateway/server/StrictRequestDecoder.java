package io.llmgateway.server;

import io.llmgateway.config.ServerSettings;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder with our limits, and one difference: a request with both Content-Length and
 * Transfer-Encoding is marked instead of silently repaired, so {@link RequestGuard} refuses it. Such a
 * request is how smuggling attacks start; an edge proxy must not guess which framing was meant.
 * It also tells the path of the request being received as soon as its request line is read, so that an answer
 * made before the request is whole (the request deadline's) takes the error shape of its path.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
    private boolean ambiguousFraming;
    /** The target of the last request line read. */
    private String lastUri = "";
    /** Request lines read, and requests (their last content) passed on: more lines means one is in progress. */
    private long lines;

    private long completed;

    StrictRequestDecoder(ServerSettings settings) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(settings.maxRequestLineBytes())
                .setMaxHeaderSize(settings.maxHeaderBytes())
                .setMaxChunkSize(64 * 1024)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true));
    }

    @Override
    protected HttpMessage createMessage(String[] initialLine) throws Exception {
        lastUri = initialLine[1];
        lines++;
        return super.createMessage(initialLine);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        int from = out.size();
        super.decode(ctx, buffer, out);
        for (int i = from; i < out.size(); i++) {
            if (out.get(i) instanceof LastHttpContent) {
                completed = Math.min(completed + 1, lines); // a line too bad to read still ends in a request
            }
        }
    }

    /**
     * The target (path and query) of the request being received, or "" when its request line has not been read
     * yet.
     */
    String receivingUri() {
        return lines > completed ? lastUri : "";
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        ambiguousFraming = true;
        super.handleTransferEncodingChunkedWithContentLength(message);
    }

    /** Whether the request just decoded had both framings; reading clears it. */
    boolean takeAmbiguousFraming() {
        boolean was = ambiguousFraming;
        ambiguousFraming = false;
        return was;
    }
}
