package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.llmgateway.protocol.AnswerFacts;
import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.Usage;
import io.llmgateway.sse.SseEventFilter;
import io.llmgateway.sse.SseFramer;
import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * Reads a streamed (SSE) response as it is forwarded: finds {@code usage}, {@code data: [DONE]},
 * and counts the completion deltas, and optionally removes the usage-only chunk that the gateway
 * asked for on the client's behalf.
 *
 * <p>Design notes:
 * <ul>
 * <li>The pieces: {@link SseFramer} finds the events in each chunk, {@link SseEventFilter} (only when
 *     dropping) holds each event's bytes until its end and removes the usage-only chunk,
 *     {@link UsageProbe} tells which events can hold usage, {@link StreamEventReader} reads an event's
 *     JSON, {@link DeferredEvents} keeps the deltas until their tokens are needed.</li>
 * <li>Output is never re-encoded: {@link #onChunk} returns the input itself, or retained slices of
 *     it. Without dropping, every byte is returned at once.</li>
 * <li>Memory per stream is bounded by {@code maxEventBytes} (1 MiB): an event longer than that is
 *     passed through as it comes and is not analysed.</li>
 * <li>A payload is JSON-parsed at once only when a byte search shows it can hold usage. Other events
 *     (the deltas) are not parsed when they arrive: their tokens are only needed when the stream ends
 *     without usage (or breaks off), so their data is kept (up to {@value DeferredEvents#MAX_BYTES} bytes
 *     per stream, then counted and dropped) and counted on demand by {@link #completionTokensEstimate()}.
 *     Parsing and tokenizing every delta would cost more than everything else the gateway does per event.</li>
 * </ul>
 * One instance per stream, used from one thread (the event loop).
 */
public final class SseTap implements AnswerTap {
    static final int DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
    private static final byte[] DONE = "[DONE]".getBytes(UTF_8);

    private final SseFramer framer;
    private final SseEventFilter filter; // null unless the usage-only chunk is dropped
    private final StreamEventReader reader;
    private final DeferredEvents deferred = new DeferredEvents();
    private AnswerFacts facts; // only for a traced answer
    private boolean sawDone;
    private boolean sawEvent;
    private boolean ended;

    /**
     * @param dropUsageOnlyChunk remove the {@code "choices":[]} usage chunk (the gateway injected
     *                           include_usage; the client did not ask for it)
     * @param encoding the encoding to count deltas with (see {@link TokenEstimator#encodingFor}); null
     *                 means cl100k_base
     */
    public SseTap(boolean dropUsageOnlyChunk, TokenEstimator estimator, String encoding) {
        this(dropUsageOnlyChunk, estimator, encoding, DEFAULT_MAX_EVENT_BYTES);
    }

    SseTap(boolean dropUsageOnlyChunk, TokenEstimator estimator, String encoding, int maxEventBytes) {
        reader = new StreamEventReader(estimator, encoding);
        framer = new SseFramer(maxEventBytes);
        filter = dropUsageOnlyChunk ? new SseEventFilter(maxEventBytes) : null;
    }

    /**
     * Takes ownership of {@code in} and returns what to write to the client now (possibly
     * {@code in} itself, possibly empty), owned by the caller.
     */
    public ByteBuf onChunk(ByteBuf in) {
        requireNonNull(in, "in");
        if (ended) {
            in.release();
            throw new IllegalStateException("onChunk after onEnd/release");
        }
        if (!in.isReadable()) {
            return in;
        }
        boolean returnIn = false;
        try {
            framer.begin(in);
            if (filter == null) {
                while (framer.nextEvent() >= 0) {
                    dispatch(false);
                }
                returnIn = true;
                return in;
            }
            filter.begin(in);
            int end;
            while ((end = framer.nextEvent()) >= 0) {
                filter.eventEnd(in, end, dispatch(filter.passingThrough()));
            }
            return filter.endChunk(in);
        } finally {
            if (!returnIn) {
                in.release();
            }
        }
    }

    /**
     * The stream ended: returns anything held back (owned by the caller; maybe empty). An
     * unterminated last event is still analysed, leniently.
     */
    public ByteBuf onEnd() {
        if (ended) {
            return Unpooled.EMPTY_BUFFER;
        }
        ended = true;
        framer.finish();
        if (filter == null) {
            dispatch(false);
            return Unpooled.EMPTY_BUFFER;
        }
        return filter.finish(dispatch(filter.passingThrough()));
    }

    /** Frees anything held back; for an aborted exchange. */
    public void release() {
        ended = true;
        if (filter != null) {
            filter.release();
        }
        deferred.release(); // nothing is read from the arrays from now on
        framer.release();
    }

    /** Notes each event's id, model and finish reason as it is dispatched ({@link ChunkFacts}). */
    @Override
    public boolean noteFacts(AnswerFacts into) {
        facts = into;
        return true;
    }

    /** The usage the stream reported (the last one seen), or {@code null}. */
    public Usage usage() {
        return reader.usage();
    }

    /** Whether {@code data: [DONE]} was seen. */
    public boolean sawDone() {
        return sawDone;
    }

    /** Whether at least one event with data was seen. */
    public boolean sawEvent() {
        return sawEvent;
    }

    /**
     * Also assembles the text of the deltas (content, reasoning, refusals, tool calls), up to {@code maxChars},
     * for {@link #capturedText()}. Off by default: only the interaction log with bodies switched on asks.
     */
    public void captureText(int maxChars) {
        reader.captureText(maxChars);
    }

    /** The text assembled since {@link #captureText(int)}, or null when capturing is off. */
    public String capturedText() {
        if (!reader.capturing()) {
            return null;
        }
        deferred.drainTo(reader); // deltas are read lazily (see the class notes); the transcript needs them now
        return reader.capturedText();
    }

    /** Tokens of all completion deltas seen, for when the stream reports no usage. */
    public long completionTokensEstimate() {
        deferred.drainTo(reader);
        return reader.completionTokens();
    }

    /**
     * The framer's current event is complete: analyses it unless it was over the bound ({@code skipped}:
     * part of it is out already). Returns true if it is a usage-only chunk.
     */
    private boolean dispatch(boolean skipped) {
        int len = framer.dataLength();
        boolean overflowed = skipped || framer.overflowed();
        if (len == 0 && !overflowed) {
            return false;
        }
        sawEvent = true;
        if (overflowed) {
            return false;
        }
        byte[] data = framer.data();
        if (Arrays.equals(data, 0, len, DONE, 0, DONE.length)) {
            sawDone = true;
            return false;
        }
        if (facts != null) {
            ChunkFacts.read(data, len, facts);
        }
        byte[] name = framer.eventName();
        int nameLen = framer.eventNameLength();
        if (UsageProbe.mayHoldUsage(data, len)) {
            return reader.read(data, 0, len, name, 0, nameLen);
        }
        // One byte search per event; whether it holds a delta is found out if it is ever counted.
        if (!deferred.add(name, nameLen, data, len)) {
            deferred.drainTo(reader);
            if (!deferred.add(name, nameLen, data, len)) {
                reader.read(data, 0, len, name, 0, nameLen);
            }
        }
        return false;
    }
}
