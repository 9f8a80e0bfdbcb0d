package io.llmgateway.translate;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.Usage;
import io.llmgateway.sse.SseFramer;
import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Turns a streamed Chat Completions answer ({@code chat.completion.chunk} events) into Anthropic's stream
 * events, event by event as the chunks arrive.
 *
 * <p>Design notes:
 * <ul>
 * <li>The pieces: {@link SseFramer} finds the events in each chunk; {@link ChatChunkScanner} reads the usual
 *     ones (text, role, finish, usage) without a parser and their texts are copied as the escaped bytes they
 *     are, since tokenizing every member of every chunk is most of what a parser costs here; one non-blocking
 *     jackson-core parser per stream reads the others one after another (a parser per event would cost most of
 *     the garbage an event makes; a stream that ends leaves it to the next one on the thread:
 *     {@link ChunkParsers}). {@link MessagesViaChatBlocks} keeps the content blocks in a valid order and writes
 *     them through {@link MessagesViaChatEvents}. Nothing but the event being read and the fragments of a tool
 *     call that waits for its turn (below) is held.</li>
 * <li>The Messages sequence: {@code message_start} (its usage is zeros: the provider tells the input tokens
 *     at the end, and they go in {@code message_delta}), content blocks with increasing indexes,
 *     {@code message_delta} with the stop reason and the usage once both are known (Chat sends the usage
 *     chunk after the finish chunk), {@code message_stop}.</li>
 * <li>A provider's error event becomes an {@code event: error}; nothing follows it. A stream that ends without
 *     a finish reason and without {@code [DONE]} also ends with an {@code event: error}: closing it as if
 *     complete would pass a cut answer off as whole. (A broken connection is reported by the exchange.)</li>
 * <li>Tokens: the text of the deltas is kept and counted only when {@link #completionTokensEstimate()} is
 *     asked (the provider usually reports usage; counting every delta would cost more than translating it),
 *     or when {@value #MAX_PENDING_CHARS} chars wait.</li>
 * </ul>
 * One instance per stream, used from one thread (the event loop).
 */
public final class MessagesViaChatStreamTap implements AnswerTap {
    static final int MAX_EVENT_BYTES = 1024 * 1024;
    static final int MAX_PENDING_CHARS = 64 * 1024;
    private static final char[] NO_CHARS = {};
    private static final byte[] DONE = "[DONE]".getBytes(US_ASCII);

    private final SseFramer framer = new SseFramer(MAX_EVENT_BYTES);
    private final MessagesViaChatEvents events = new MessagesViaChatEvents();
    private final MessagesViaChatAnswer answer = new MessagesViaChatAnswer();
    private final MessagesViaChatBlocks blocks;
    private ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    private boolean ended;

    private String finish;
    private String stopSequence;
    private boolean sawDone;
    /** {@code message_stop} or an error went out: nothing more does. */
    private boolean stopped;

    private final ChatViaDeltaText deltaTexts;
    private char[] fragment = NO_CHARS; // grown for the first tool call's arguments
    /** Reads the events one after another: one parser per stream, not one per event. */
    private JsonParser parser;
    /** Reads the usual events instead of the parser (null: the parser reads every event). */
    private ChatChunkScanner scanner;

    /**
     * @param requestedModel named in {@code message_start} when the provider names no model
     * @param encoding the encoding to count deltas with (see {@link TokenEstimator#encodingFor}); null means
     *     cl100k_base
     */
    public MessagesViaChatStreamTap(String requestedModel, TokenEstimator estimator, String encoding) {
        this(requestedModel, estimator, encoding, true);
    }

    /** @param scan whether {@link ChatChunkScanner} reads the events it can (false: the parser reads them all) */
    MessagesViaChatStreamTap(String requestedModel, TokenEstimator estimator, String encoding, boolean scan) {
        deltaTexts = new ChatViaDeltaText(estimator, encoding, MAX_PENDING_CHARS);
        blocks = new MessagesViaChatBlocks(events, requireNonNull(requestedModel, "requestedModel"));
        scanner = scan ? ChatChunkScanner.pooled() : null;
    }

    @Override
    public ByteBuf onChunk(ByteBuf in) {
        requireNonNull(in, "in");
        try {
            if (ended) {
                throw new IllegalStateException("onChunk after onEnd/release");
            }
            alloc = in.alloc();
            events.begin(alloc);
            framer.begin(in);
            while (framer.nextEvent() >= 0) {
                dispatch();
            }
            return events.take();
        } finally {
            in.release();
        }
    }

    /** Reads an unterminated last event, then closes the stream (see the class notes). */
    @Override
    public ByteBuf onEnd() {
        if (ended) {
            return Unpooled.EMPTY_BUFFER;
        }
        ended = true;
        events.begin(alloc);
        framer.finish();
        dispatch();
        if (!stopped) {
            if (finish != null || sawDone) {
                end();
            } else {
                error("api_error", "The provider's stream ended before its answer was complete.");
            }
        }
        return events.take();
    }

    @Override
    public Usage usage() {
        return answer.usage();
    }

    @Override
    public long completionTokensEstimate() {
        return deltaTexts.tokens();
    }

    @Override
    public void captureText(int maxChars) {
        deltaTexts.capture(maxChars);
    }

    @Override
    public String capturedText() {
        return deltaTexts.captured();
    }

    @Override
    public void release() {
        ended = true;
        if (scanner != null) {
            scanner.recycle();
            scanner = null;
        }
        if (parser != null) { // between two events: dispatch closes a parser it leaves in the middle of one
            ChunkParsers.give(parser);
            parser = null;
        }
        framer.release();
        events.release();
    }

    /** The framer's current event is complete: translates it. */
    private void dispatch() {
        int len = framer.dataLength();
        if (stopped || len == 0 || framer.overflowed()) {
            return; // an event over the bound cannot be read whole: skipped
        }
        byte[] data = framer.data();
        if (Arrays.equals(data, 0, len, DONE, 0, DONE.length)) {
            sawDone = true;
            end();
            return;
        }
        if (scanner != null && scanner.scan(data, len)) {
            scanned(data);
            return;
        }
        boolean clean = false;
        try {
            if (parser == null) {
                parser = ChunkParsers.take();
            }
            ((ByteArrayFeeder) parser.getNonBlockingInputFeeder()).feedInput(data, 0, len);
            chunk(parser);
            // The event was one whole JSON object: the parser is ready for the next one.
            clean = parser.getParsingContext().inRoot() && parser.nextToken() == JsonToken.NOT_AVAILABLE;
        } catch (JsonProcessingException e) {
            // not a chunk we understand: nothing more of it is translated
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!clean) {
                closeParser(); // the next event gets a fresh one
            }
        }
    }

    /** Acts on an event {@link #scanner} read whole as {@link #chunk} acts on it, the texts copied as they are. */
    private void scanned(byte[] data) {
        ChatChunkScanner s = scanner;
        s.namesTo(blocks);
        for (int i = 0; i < s.texts; i++) {
            deltaTexts.add(s.chars(), 0, s.decode(s.textStart[i], s.textEnd[i]));
            blocks.text(s.kinds[i], data, s.textStart[i], s.textEnd[i] - s.textStart[i]);
        }
        stopSequence = s.stopSequence(stopSequence);
        String finishHere = s.found(ChatChunkScanner.FINISH_SPAN);
        if (finishHere != null && finish == null) {
            finish = finishHere;
            blocks.closeAll();
        }
        if (s.usage && s.usageTo(answer) && finish != null) {
            end(); // as in chunk: the usage chunk follows the finish chunk
        }
    }

    /** Whether {@code e} is an element of the array being read (not its end, nor the end of the input). */
    private static boolean inArray(JsonToken e) {
        return e != null && e != JsonToken.END_ARRAY && e != JsonToken.NOT_AVAILABLE;
    }

    private void closeParser() {
        if (parser != null) {
            ChunkParsers.close(parser);
            parser = null;
        }
    }

    private void chunk(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return;
        }
        boolean usageHere = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "id", "model" -> {
                    if (t == JsonToken.VALUE_STRING && !blocks.started() && p.getTextLength() > 0) {
                        blocks.name(field, p.getText()); // only message_start names them: no string per event
                    }
                }
                case "choices" -> {
                    if (t != JsonToken.START_ARRAY) {
                        p.skipChildren();
                    } else {
                        for (JsonToken e = p.nextToken(); inArray(e); e = p.nextToken()) {
                            if (e == JsonToken.START_OBJECT) {
                                choice(p); // one choice: the request never asks for more
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                }
                case "usage" -> {
                    if (t == JsonToken.START_OBJECT) {
                        answer.readUsage(p);
                        usageHere = answer.hasUsage();
                    }
                }
                case "error" -> {
                    if (t == JsonToken.START_OBJECT) {
                        MessagesViaChatAnswer.Error e = MessagesViaChatAnswer.readError(p);
                        error(e.type(), e.message());
                        return;
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (usageHere && finish != null) {
            end(); // the usage chunk follows the finish chunk: the message is complete
        }
    }

    private void choice(JsonParser p) throws IOException {
        String finishHere = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (field.equals("delta") && t == JsonToken.START_OBJECT) {
                delta(p);
            } else if (field.equals("finish_reason") && t == JsonToken.VALUE_STRING) {
                finishHere = p.getText(); // acted on after the delta, wherever the provider put it
            } else if (field.equals("stop_reason") && t == JsonToken.VALUE_STRING) {
                stopSequence = p.getText(); // vLLM names the stop string that matched
            } else {
                p.skipChildren();
            }
        }
        if (finishHere != null && finish == null) {
            finish = finishHere;
            blocks.closeAll();
        }
    }

    private void delta(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_STRING) {
                switch (field) {
                    case "content" -> text(p, MessagesViaChatBlocks.Kind.TEXT);
                    case "reasoning_content", "reasoning" -> text(p, MessagesViaChatBlocks.Kind.THINKING);
                    case "refusal" -> {
                        blocks.refused = true;
                        text(p, MessagesViaChatBlocks.Kind.TEXT);
                    }
                    default -> {
                        // role and the like
                    }
                }
            } else if (field.equals("tool_calls") && t == JsonToken.START_ARRAY) {
                for (JsonToken e = p.nextToken(); inArray(e); e = p.nextToken()) {
                    if (e == JsonToken.START_OBJECT) {
                        toolCall(p);
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private void text(JsonParser p, MessagesViaChatBlocks.Kind kind) throws IOException {
        int len = p.getTextLength();
        if (len == 0) {
            return;
        }
        char[] chars = p.getTextCharacters();
        int off = p.getTextOffset();
        deltaTexts.add(chars, off, len);
        blocks.text(kind, chars, off, len);
    }

    private void toolCall(JsonParser p) throws IOException {
        int index = 0;
        String id = null;
        String name = null;
        int argsLen = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (field.equals("index") && t == JsonToken.VALUE_NUMBER_INT) {
                index = p.getIntValue();
            } else if (field.equals("id") && t == JsonToken.VALUE_STRING) {
                id = p.getText();
            } else if (field.equals("function") && t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    if (p.nextToken() != JsonToken.VALUE_STRING) {
                        p.skipChildren();
                    } else if (f.equals("name")) {
                        name = p.getText();
                    } else if (f.equals("arguments")) {
                        argsLen = copyFragment(p); // the index may come after it
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        if (name != null) {
            deltaTexts.add(name.toCharArray(), 0, name.length());
        }
        if (argsLen > 0) {
            deltaTexts.add(fragment, 0, argsLen);
        }
        blocks.toolCall(index, id, name, fragment, Math.max(argsLen, 0));
    }

    private int copyFragment(JsonParser p) throws IOException {
        int len = p.getTextLength();
        if (fragment.length < len) {
            fragment = new char[Math.max(len, Math.max(256, fragment.length * 2))];
        }
        System.arraycopy(p.getTextCharacters(), p.getTextOffset(), fragment, 0, len);
        return len;
    }

    /** Writes the message's end: blocks closed, {@code message_delta}, {@code message_stop}. */
    private void end() {
        if (stopped) {
            return;
        }
        stopped = true;
        long estimate = answer.hasUsage() ? 0 : completionTokensEstimate();
        blocks.end(finish == null ? "stop" : finish, stopSequence, answer, estimate);
    }

    private void error(String type, String message) {
        stopped = true;
        blocks.error(type, message);
    }
}
