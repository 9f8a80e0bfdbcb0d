package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.Usage;
import io.llmgateway.sse.SseFramer;
import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Arrays;

/**
 * Turns a streamed Messages API answer into {@code chat.completion.chunk} events, event by event as they
 * arrive: nothing is held but an event not complete yet ({@link SseFramer}).
 *
 * <p>Design notes:
 * <ul>
 * <li>{@code message_start} gives the id, model and prompt usage and yields the first chunk (role assistant);
 *     {@code text_delta} yields {@code content}, {@code thinking_delta} {@code reasoning_content}
 *     ({@code signature_delta} has no place in a chunk and is dropped); a {@code tool_use} block start yields a
 *     tool call with its id, name and empty arguments, and its {@code input_json_delta}s the arguments
 *     fragment by fragment. Tool calls are numbered 0, 1, 2 in the order their blocks start, whatever the
 *     blocks' own indexes (thinking and text blocks take indexes too). {@code message_delta} yields the chunk with
 *     the {@code finish_reason}, {@code message_stop} the usage chunk (when the client asked for it) and
 *     {@code data: [DONE]}; an {@code error} event becomes an OpenAI error event, after which nothing more is
 *     translated. {@code ping} and unknown events yield nothing.</li>
 * <li>Events are typed by their {@code event:} name, as the provider sends them, else by their {@code type}.
 *     A delta's kind is told by its field ({@code text}, {@code thinking}, {@code partial_json}), so the order
 *     of the fields in an event does not matter. Texts go from the parser's buffer to the generator's
 *     without becoming Strings.</li>
 * <li>The deltas' texts are counted for the completion estimate and, when asked, kept for the request log
 *     ({@link ChatViaDeltaText}).</li>
 * <li>An event longer than {@value #MAX_EVENT_BYTES} bytes is not translated.</li>
 * </ul>
 * One instance per stream, used from one thread (the event loop).
 */
final class ChatViaMessagesStreamTap implements AnswerTap {
    static final int MAX_EVENT_BYTES = 1024 * 1024;
    private static final int MAX_BLOCKS = 4096;
    private static final String OTHER = "other";
    private static final String[] EVENTS = {
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
        "ping",
        "error"
    };

    private final SseFramer framer = new SseFramer(MAX_EVENT_BYTES);
    private final ChatViaChunks chunks;
    private final boolean includeUsage;
    private final ChatViaDeltaText texts;
    private final ChatViaMessagesUsage usage = new ChatViaMessagesUsage();
    private boolean usageFinal; // a message_delta reported the final counts
    private int[] toolOfBlock = new int[8]; // a block's index -> its tool call's index + 1 (0: not a tool)
    private int tools;
    private boolean started; // the role chunk is out
    private boolean stopped; // message_stop or error: nothing more is translated
    private boolean ended;
    private boolean released;

    // The event being read.
    private String type;
    private int index;
    private String stopReason;
    private String blockType;
    private String blockId;
    private String blockName;
    private String blockInput;
    private String pendingArguments; // an input_json_delta read before its event's index
    private String errorType;
    private String errorMessage;

    /**
     * @param model the model the client asked for, until the answer names its own
     * @param created the chunks' {@code created} (epoch seconds)
     * @param includeUsage whether the client asked for the usage chunk
     * @param encoding the encoding to count deltas with (see {@link TokenEstimator#encodingFor})
     */
    ChatViaMessagesStreamTap(
            String model, long created, boolean includeUsage, TokenEstimator estimator, String encoding) {
        this.chunks = new ChatViaChunks(model, created, includeUsage);
        this.includeUsage = includeUsage;
        this.texts = new ChatViaDeltaText(estimator, encoding);
    }

    @Override
    public ByteBuf onChunk(ByteBuf chunk) {
        try {
            if (ended) {
                throw new IllegalStateException("onChunk after onEnd/release");
            }
            chunks.begin(chunk.alloc());
            framer.begin(chunk);
            while (framer.nextEvent() >= 0) {
                event();
            }
            return chunks.take();
        } finally {
            chunk.release();
        }
    }

    /** Translates an unterminated last event, leniently. */
    @Override
    public ByteBuf onEnd() {
        if (ended) {
            return Unpooled.EMPTY_BUFFER;
        }
        ended = true;
        framer.finish();
        event();
        return chunks.take();
    }

    @Override
    public Usage usage() {
        return usageFinal ? usage.usage() : null;
    }

    @Override
    public long completionTokensEstimate() {
        return texts.tokens();
    }

    @Override
    public void captureText(int maxChars) {
        texts.capture(maxChars);
    }

    @Override
    public String capturedText() {
        return texts.captured();
    }

    @Override
    public void release() {
        ended = true;
        if (!released) {
            released = true;
            framer.release();
            chunks.close();
        }
    }

    // ---- events --------------------------------------------------------------------------------------------

    private void event() {
        int len = framer.dataLength();
        if (len == 0 || framer.overflowed() || stopped) {
            return;
        }
        type = eventType(framer.eventName(), framer.eventNameLength());
        index = -1;
        stopReason = null;
        blockType = null;
        blockId = null;
        blockName = null;
        blockInput = null;
        pendingArguments = null;
        errorType = null;
        errorMessage = null;
        try (JsonParser p = ChatViaObject.FACTORY.createParser(framer.data(), 0, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                field(p, p.currentName(), p.nextToken());
            }
            dispatch();
        } catch (IOException | RuntimeException e) {
            // not an event we understand: nothing goes out for it
        }
    }

    /** The event's name as one of {@link #EVENTS} (no String per event), {@link #OTHER}, or null when it has none. */
    private static String eventType(byte[] name, int len) {
        if (len == 0) {
            return null;
        }
        for (String e : EVENTS) {
            if (e.length() == len && matches(e, name)) {
                return e;
            }
        }
        return OTHER;
    }

    private static boolean matches(String e, byte[] name) {
        for (int i = 0; i < e.length(); i++) {
            if (name[i] != e.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void field(JsonParser p, String name, JsonToken t) throws IOException {
        switch (name) {
            case "type" -> {
                if (type == null && t == JsonToken.VALUE_STRING) {
                    type = p.getText();
                }
            }
            case "index" -> index = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
            case "message" -> object(p, t, this::messageField);
            case "content_block" -> object(p, t, this::blockField);
            case "delta" -> object(p, t, this::deltaField);
            case "usage" -> {
                if (t == JsonToken.START_OBJECT) {
                    usage.read(p);
                    usageFinal = true; // only message_delta has a top-level usage
                } else {
                    p.skipChildren();
                }
            }
            case "error" -> object(p, t, this::errorField);
            default -> p.skipChildren();
        }
    }

    private interface Field {
        void read(JsonParser p, String name, JsonToken t) throws IOException;
    }

    private static void object(JsonParser p, JsonToken t, Field field) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            field.read(p, p.currentName(), p.nextToken());
        }
    }

    private void messageField(JsonParser p, String name, JsonToken t) throws IOException {
        switch (name) {
            case "id" -> chunks.identify(text(p, t), null);
            case "model" -> chunks.identify(null, text(p, t));
            case "usage" -> {
                if (t == JsonToken.START_OBJECT) {
                    usage.read(p);
                } else {
                    p.skipChildren();
                }
            }
            default -> p.skipChildren();
        }
    }

    private void blockField(JsonParser p, String name, JsonToken t) throws IOException {
        switch (name) {
            case "type" -> blockType = text(p, t);
            case "id" -> blockId = text(p, t);
            case "name" -> blockName = text(p, t);
            case "text", "thinking" -> {
                if (t == JsonToken.VALUE_STRING && p.getTextLength() > 0) {
                    // a block that starts with text (the provider starts them empty): emitted as a delta
                    emitText(name.equals("text") ? "content" : "reasoning_content", p);
                }
            }
            case "input" -> {
                if (t == JsonToken.START_OBJECT) {
                    StringWriter w = new StringWriter();
                    try (var g = ChatViaObject.FACTORY.createGenerator(w)) {
                        g.copyCurrentStructure(p);
                    }
                    blockInput = w.toString();
                } else {
                    p.skipChildren();
                }
            }
            default -> p.skipChildren();
        }
    }

    private void deltaField(JsonParser p, String name, JsonToken t) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return;
        }
        switch (name) {
            case "text" -> emitText("content", p);
            case "thinking" -> emitText("reasoning_content", p);
            case "partial_json" -> {
                if (p.getTextLength() == 0) {
                    return;
                }
                if (index >= 0) {
                    emitArguments(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                } else {
                    pendingArguments = p.getText();
                }
            }
            case "stop_reason" -> stopReason = p.getText();
            default -> {
                // signature_delta and others: no place in a chunk
            }
        }
    }

    private void errorField(JsonParser p, String name, JsonToken t) throws IOException {
        switch (name) {
            case "type" -> errorType = text(p, t);
            case "message" -> errorMessage = text(p, t);
            default -> p.skipChildren();
        }
    }

    private void dispatch() throws IOException {
        if (type == null) {
            return;
        }
        switch (type) {
            case "message_start" -> start();
            case "content_block_start" -> {
                if ("tool_use".equals(blockType) && index >= 0 && index < MAX_BLOCKS) {
                    start();
                    if (index >= toolOfBlock.length) {
                        toolOfBlock = Arrays.copyOf(toolOfBlock, Math.max(index + 1, toolOfBlock.length * 2));
                    }
                    toolOfBlock[index] = ++tools;
                    String arguments = blockInput == null || blockInput.equals("{}") ? "" : blockInput;
                    chunks.toolStart(tools - 1, blockId, blockName, arguments);
                    texts.add(blockName);
                    texts.add(arguments);
                }
            }
            case "content_block_delta" -> {
                if (pendingArguments != null) {
                    char[] c = pendingArguments.toCharArray();
                    emitArguments(c, 0, c.length);
                }
            }
            case "message_delta" -> {
                if (stopReason != null) {
                    start();
                    chunks.finish(ChatViaMessagesJsonTap.finishReason(stopReason));
                }
            }
            case "message_stop" -> {
                stopped = true;
                if (includeUsage) {
                    chunks.usage(usage);
                }
                chunks.done();
            }
            case "error" -> {
                stopped = true;
                chunks.error(
                        errorMessage == null ? "The provider reported an error in the stream." : errorMessage,
                        errorType);
            }
            default -> {
                // ping, content_block_stop and events of later API versions
            }
        }
    }

    /** Writes the role chunk once, before any other. */
    private void start() throws IOException {
        if (!started) {
            started = true;
            chunks.role();
        }
    }

    private void emitText(String field, JsonParser p) throws IOException {
        start();
        char[] c = p.getTextCharacters();
        int off = p.getTextOffset();
        int len = p.getTextLength();
        chunks.text(field, c, off, len);
        texts.add(c, off, len);
    }

    private void emitArguments(char[] c, int off, int len) throws IOException {
        int tool = index >= 0 && index < toolOfBlock.length ? toolOfBlock[index] - 1 : -1;
        if (tool < 0) {
            return; // not a tool block's delta
        }
        chunks.toolArguments(tool, c, off, len);
        texts.add(c, off, len);
    }

    private static String text(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }
}
