package io.llmgateway.server;

import io.llmgateway.config.ServerSettings;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder with our limits, and one difference: a request with both Content-Length and
 * Transfer-Encoding is marked instead of silently repaired, so {@link RequestGuard} refuses it. Such a
 * request is how smuggling attacks start; an edge proxy must not guess which framing was meant.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
    private boolean ambiguousFraming;

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
