package io.llmgateway.upstream;

import io.netty.handler.codec.http.HttpObject;

/** Receives what happens on a leased upstream channel; called on that channel's event loop. */
public interface UpstreamListener {
    /** A decoded response part; the listener owns it and must release it. */
    void onUpstreamMessage(HttpObject msg);

    /** The connection failed (reset, TLS or decoding error); the channel is being closed. */
    void onUpstreamError(Throwable cause);

    /** The connection closed. */
    void onUpstreamClosed();
}
