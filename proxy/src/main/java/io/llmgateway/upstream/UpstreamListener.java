package io.llmgateway.upstream;

import io.netty.handler.codec.http.HttpObject;

/** Receives what happens on a leased upstream channel; called on that channel's event loop. */
public interface UpstreamListener {
    /** A decoded response part; the listener owns it and must release it. */
    void onUpstreamMessage(HttpObject msg);

    /**
     * The current read from the connection is over (every message it decoded was delivered): the moment
     * to flush what those messages produced.
     */
    default void onUpstreamReadComplete() {}

    /** The connection failed (reset, TLS or decoding error); the channel is being closed. */
    void onUpstreamError(Throwable cause);

    /** The connection closed. */
    void onUpstreamClosed();
}
