package io.llmgateway.anthropic;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import io.llmgateway.protocol.AnswerFacts;
import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.Usage;
import io.llmgateway.sse.SseFramer;
import io.llmgateway.tokens.TokenEstimator;
import io.llmgateway.util.ByteSearch;
import io.llmgateway.util.Transcript;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * Watches a streamed Messages answer as it passes through unchanged: the usage of {@code message_start} (input
 * and cache tokens) and of {@code message_delta} (the output tokens, cumulative), and the deltas, counted only
 * when the stream ends without its {@code message_delta} (see {@link DeltaBacklog}).
 *
 * <p>Memory per stream is bounded by {@value #MAX_EVENT_BYTES} bytes per event (a longer event passes through
 * unread) and the backlog's bound. One instance per stream, used from one thread (the event loop).
 */
final class AnthropicSseTap implements AnswerTap {
    static final int MAX_EVENT_BYTES = 1024 * 1024;
    private static final byte[] MESSAGE_START = "message_start".getBytes(US_ASCII);
    private static final byte[] MESSAGE_DELTA = "message_delta".getBytes(US_ASCII);
    private static final byte[] CONTENT_BLOCK_DELTA = "content_block_delta".getBytes(US_ASCII);
    private static final byte[] USAGE = "\"usage\"".getBytes(US_ASCII);

    private final TokenEstimator estimator;
    private final String encoding;
    private final SseFramer framer = new SseFramer(MAX_EVENT_BYTES);
    private final DeltaBacklog backlog = new DeltaBacklog();
    private final AnthropicUsage counters = new AnthropicUsage();
    private boolean sawMessageDelta;
    private long completionTokens;
    private Transcript transcript; // only when asked for
    private AnswerFacts facts; // only for a traced answer
    private boolean ended;

    /** @param encoding the encoding to count deltas with (see {@link TokenEstimator#encodingFor}) */
    AnthropicSseTap(TokenEstimator estimator, String encoding) {
        this.estimator = requireNonNull(estimator, "estimator");
        this.encoding = encoding;
    }

    /** Reads {@code chunk} and returns it as it is. */
    @Override
    public ByteBuf onChunk(ByteBuf chunk) {
        if (ended || !chunk.isReadable()) {
            return chunk;
        }
        framer.begin(chunk);
        while (framer.nextEvent() >= 0) {
            dispatch();
        }
        return chunk;
    }

    /** An unterminated last event is still read, leniently. */
    @Override
    public ByteBuf onEnd() {
        if (!ended) {
            ended = true;
            framer.finish();
            dispatch();
        }
        return Unpooled.EMPTY_BUFFER;
    }

    /**
     * The usage reported: once {@code message_delta} arrived, as the provider counted it; before that (a stream
     * cut short), the input and cache tokens of {@code message_start} with the output estimated.
     */
    @Override
    public Usage usage() {
        if (sawMessageDelta) {
            return counters.build();
        }
        return counters.any() ? counters.build(completionTokensEstimate(), true) : null;
    }

    @Override
    public long completionTokensEstimate() {
        backlog.drainTo(this::count);
        return completionTokens;
    }

    /** Also assembles the text of the deltas (text, thinking, tool input), up to {@code maxChars}. */
    @Override
    public void captureText(int maxChars) {
        transcript = new Transcript(maxChars);
    }

    @Override
    public String capturedText() {
        if (transcript == null) {
            return null;
        }
        backlog.drainTo(this::count); // deltas are read lazily; the transcript needs them now
        return transcript.text();
    }

    /** Notes them from the {@code message_start} and {@code message_delta} events it reads for their usage. */
    @Override
    public boolean noteFacts(AnswerFacts into) {
        facts = into;
        return true;
    }

    @Override
    public void release() {
        ended = true;
        backlog.release();
        framer.release();
    }

    /** The framer's current event is complete: reads what it needs of it. */
    private void dispatch() {
        int len = framer.dataLength();
        if (len == 0 || framer.overflowed()) {
            return;
        }
        byte[] data = framer.data();
        byte[] name = framer.eventName();
        int nameLen = framer.eventNameLength();
        if (is(name, nameLen, CONTENT_BLOCK_DELTA)) {
            if (!backlog.add(data, len)) {
                backlog.drainTo(this::count);
                if (!backlog.add(data, len)) {
                    count(data, 0, len);
                }
            }
            return;
        }
        boolean delta = is(name, nameLen, MESSAGE_DELTA);
        if (delta
                || is(name, nameLen, MESSAGE_START)
                || nameLen == 0 && ByteSearch.indexOf(data, 0, len, USAGE, 4) >= 0) {
            StreamEvents.readUsage(data, 0, len, counters, facts);
            sawMessageDelta |= delta && counters.hasOutput();
        }
    }

    private void count(byte[] data, int off, int len) {
        StreamEvents.readDeltaText(data, off, len, this::count);
    }

    private void count(String text) {
        completionTokens += estimator.countText(text, encoding);
        if (transcript != null) {
            transcript.append(text);
        }
    }

    private static boolean is(byte[] name, int nameLen, byte[] wanted) {
        return Arrays.equals(name, 0, nameLen, wanted, 0, wanted.length);
    }
}
