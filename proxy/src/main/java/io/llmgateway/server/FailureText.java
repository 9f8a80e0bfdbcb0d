package io.llmgateway.server;

import io.llmgateway.upstream.PoolExhaustedException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * What a client (and the request's record) is told about a failed provider connection: the kind of
 * failure in a few words. Exception messages name hosts and addresses ({@code Connection refused:
 * host/10.0.0.5:443}), which are the operator's business: they go to app.log only, never into this text.
 */
final class FailureText {
    private FailureText() {}

    static String kind(Throwable cause) {
        if (cause instanceof PoolExhaustedException) {
            return "all of the gateway's connections to it are busy";
        }
        if (cause instanceof ConnectTimeoutException) {
            return "connect timed out";
        }
        if (cause instanceof UnknownHostException) {
            return "host name not resolved";
        }
        if (cause instanceof NoRouteToHostException) {
            return "host unreachable";
        }
        if (cause instanceof ConnectException) {
            return contains(cause, "refused")
                    ? "connection refused"
                    : contains(cause, "unreachable") ? "host unreachable" : "connection failed";
        }
        SSLException tls = tlsCause(cause);
        if (tls != null) {
            return tls instanceof SSLHandshakeException || tls instanceof NotSslRecordException
                    ? "TLS handshake failed"
                    : "TLS error";
        }
        if (cause instanceof ClosedChannelException) {
            return "connection closed";
        }
        if (cause instanceof IOException) {
            return contains(cause, "reset") || contains(cause, "broken pipe") ? "connection reset" : "connection error";
        }
        return cause.getClass().getSimpleName(); // a decoder's complaint about the answer: its kind, not its text
    }

    /** The TLS exception among the first causes (Netty wraps handshake failures in a DecoderException). */
    private static SSLException tlsCause(Throwable cause) {
        Throwable t = cause;
        for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause()) {
            if (t instanceof SSLException) {
                return (SSLException) t;
            }
        }
        return null;
    }

    private static boolean contains(Throwable t, String word) {
        String message = t.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains(word);
    }
}
