package io.llmgateway.server;

import static java.util.Objects.requireNonNull;

import io.llmgateway.util.ShortText;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import java.nio.charset.StandardCharsets;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Logs one line for an HTTP/2 connection the gateway closes for a protocol violation or abuse: the GOAWAY it sends
 * with an error code is the one place every such closing passes (the codec's flood and reset limits, a header block
 * over the bound, a malformed frame). The line has the client's address, the error code and the codec's reason,
 * never header values.
 */
final class Http2AbuseLog extends Http2ConnectionAdapter {
    private static final Logger LOG = LogManager.getLogger(Http2AbuseLog.class);

    private final Channel channel;
    private boolean logged;

    Http2AbuseLog(Channel channel) {
        this.channel = requireNonNull(channel, "channel");
    }

    @Override
    public void onGoAwaySent(int lastStreamId, long errorCode, ByteBuf debugData) {
        if (logged || errorCode == Http2Error.NO_ERROR.code()) {
            return;
        }
        logged = true;
        Http2Error error = Http2Error.valueOf(errorCode);
        LOG.warn(
                "HTTP/2 connection from {} closed with GOAWAY {}: {}",
                channel.remoteAddress(),
                error != null ? error.name() : Long.toString(errorCode),
                ShortText.cap(debugData.toString(StandardCharsets.UTF_8), 200));
    }
}
