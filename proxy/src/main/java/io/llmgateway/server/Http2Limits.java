package io.llmgateway.server;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/*
 * Design notes
 * - Netty's HTTP/2 codec carries the defences edge proxies added after the 2019 (ping, settings, empty-frame
 *   floods), 2023 (rapid reset) and 2024 (CONTINUATION flood) advisories; this class states every one of them
 *   explicitly, so a Netty upgrade that changes a default does not silently loosen the gateway.
 * - Two limits are the operator's: the concurrent streams a client may open (server.http2_max_concurrent_streams,
 *   nginx's 128 by default; RFC 9113 recommends no fewer than 100) and the header list size, which is server.max_header_bytes, the bound HTTP/1.1
 *   requests already have. The rest are fixed: they only bound misbehaviour, never a conforming client.
 * - What each violation costs the client (RFC 9113 and Netty's behaviour):
 *   a stream beyond the concurrency limit: RST_STREAM REFUSED_STREAM, the connection goes on;
 *   a header list over the limit: a 431 response on that stream; over 1.25 times the limit (the block is then
 *   not even decoded): GOAWAY PROTOCOL_ERROR;
 *   too many resets, small CONTINUATION frames, empty DATA frames, or control-frame answers (SETTINGS and PING
 *   ACKs, resets) the client does not read: GOAWAY ENHANCE_YOUR_CALM and the connection closes.
 */
final class Http2Limits {
    /**
     * RST_STREAM frames a client may send per window before the connection is closed (Netty's server default):
     * every reset stream may have started an exchange, so resets that outpace the concurrency limit are the
     * rapid-reset attack (CVE-2023-44487).
     */
    static final int MAX_RESETS_PER_WINDOW = 200;

    static final int RESET_WINDOW_SECONDS = 30;

    /** The same bound on the resets the gateway sends for stream errors, so a client provoking them is cut off. */
    static final int MAX_SENT_RESETS_PER_WINDOW = 200;

    /**
     * CONTINUATION frames with small payloads allowed in one header block (Netty's default): a flood of tiny
     * frames cannot hold the decoder busy below the header-size bound (CVE-2024-27316 and its relatives).
     */
    static final int MAX_SMALL_CONTINUATION_FRAMES = 16;

    /** Empty DATA frames without END_STREAM in a row (Netty's default; Envoy allows 1). */
    static final int MAX_CONSECUTIVE_EMPTY_DATA_FRAMES = 2;

    /**
     * Control frames the gateway has queued for a client but could not yet write, mostly ACKs to its SETTINGS and
     * PINGs (Envoy's max_outbound_control_frames): a client that floods them without reading the answers is cut
     * off instead of growing the outbound buffer (CVE-2019-9512, CVE-2019-9515).
     */
    static final int MAX_QUEUED_CONTROL_FRAMES = 1000;

    private Http2Limits() {}

    /** The SETTINGS the gateway announces to a client. */
    static Http2Settings initialSettings(int maxConcurrentStreams, int maxHeaderListBytes) {
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("maxConcurrentStreams: " + maxConcurrentStreams + " (expected: >= 1)");
        }
        if (maxHeaderListBytes < 1) {
            throw new IllegalArgumentException("maxHeaderListBytes: " + maxHeaderListBytes + " (expected: >= 1)");
        }
        return Http2Settings.defaultSettings()
                .maxConcurrentStreams(maxConcurrentStreams)
                .maxHeaderListSize(maxHeaderListBytes);
    }

    /** Applies every limit to a server codec's builder and returns it. */
    static Http2FrameCodecBuilder apply(
            Http2FrameCodecBuilder builder, int maxConcurrentStreams, int maxHeaderListBytes) {
        requireNonNull(builder, "builder");
        return builder.initialSettings(initialSettings(maxConcurrentStreams, maxHeaderListBytes))
                .decoderEnforceMaxRstFramesPerWindow(MAX_RESETS_PER_WINDOW, RESET_WINDOW_SECONDS)
                .encoderEnforceMaxRstFramesPerWindow(MAX_SENT_RESETS_PER_WINDOW, RESET_WINDOW_SECONDS)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATION_FRAMES)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_CONSECUTIVE_EMPTY_DATA_FRAMES)
                .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                .validateHeaders(true);
    }
}
