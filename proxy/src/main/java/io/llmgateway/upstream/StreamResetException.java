package io.llmgateway.upstream;

import io.netty.handler.codec.http2.Http2Error;
import java.io.IOException;

/** The provider reset an HTTP/2 stream (RST_STREAM): the request's exchange is over, the connection is not. */
final class StreamResetException extends IOException {
    private static final long serialVersionUID = 1L;

    StreamResetException(long errorCode, boolean answerBegun) {
        super("the provider reset the stream (" + name(errorCode) + ")"
                + (answerBegun ? " during its answer" : " before answering"));
    }

    private static String name(long code) {
        Http2Error e = Http2Error.valueOf(code);
        return e != null ? e.name() : "error " + code;
    }
}
