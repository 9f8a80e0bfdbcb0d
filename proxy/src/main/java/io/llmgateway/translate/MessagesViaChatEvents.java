package io.llmgateway.translate;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;

/**
 * Writes Anthropic's stream events ({@code event: name}, {@code data: json}, a blank line) for one stream.
 * One generator serves the whole stream (and then the next ones on the same thread: {@link ChunkOutput#pooled})
 * and writes into the buffer of the chunk being translated, made when the first byte of it is written: an event
 * costs no generator, no buffer of its own and no string for a text fragment (the parser's characters are
 * written as they are). The events that are constant bytes around an index and copied bytes (a text block's start,
 * a delta whose text is the provider's escaped bytes, a block's stop) skip the generator ({@link ChunkOutput#raw}).
 * One instance per stream, used from one thread.
 */
final class MessagesViaChatEvents {
    private static final SerializedString EVENT = new SerializedString("event: ");
    private static final SerializedString TYPE = new SerializedString("type");
    private static final SerializedString INDEX = new SerializedString("index");
    static final SerializedString MESSAGE_START = new SerializedString("message_start");
    static final SerializedString CONTENT_BLOCK_START = new SerializedString("content_block_start");
    static final SerializedString MESSAGE_DELTA = new SerializedString("message_delta");
    static final SerializedString MESSAGE_STOP = new SerializedString("message_stop");
    static final SerializedString ERROR = new SerializedString("error");
    private static final SerializedString DATA = new SerializedString("\ndata: ");
    private static final SerializedString END = new SerializedString("\n\n");
    /**
     * A {@code content_block_delta} is the same bytes in every event but for its index and its text: these
     * are the bytes before the index, between the index and the text of each delta type, and after the text.
     */
    private static final SerializedString DELTA_HEAD =
            new SerializedString("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":");

    static final SerializedString TEXT_DELTA = new SerializedString(",\"delta\":{\"type\":\"text_delta\",\"text\":");
    static final SerializedString THINKING_DELTA =
            new SerializedString(",\"delta\":{\"type\":\"thinking_delta\",\"thinking\":");
    static final SerializedString INPUT_JSON_DELTA =
            new SerializedString(",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":");
    private static final SerializedString DELTA_TAIL = new SerializedString("}}\n\n");

    // The same framing as bytes, for events written without the generator (ChunkOutput#raw).
    private static final byte[] DELTA_HEAD_BYTES = DELTA_HEAD.asUnquotedUTF8();
    private static final byte[] TEXT_DELTA_OPEN = ascii(TEXT_DELTA.getValue() + "\"");
    private static final byte[] THINKING_DELTA_OPEN = ascii(THINKING_DELTA.getValue() + "\"");
    private static final byte[] INPUT_JSON_DELTA_OPEN = ascii(INPUT_JSON_DELTA.getValue() + "\"");
    private static final byte[] STRING_DELTA_TAIL = ascii("\"" + DELTA_TAIL.getValue());
    private static final byte[] STOP_HEAD_BYTES =
            ascii("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":");
    private static final byte[] STOP_TAIL_BYTES = ascii("}\n\n");
    private static final byte[] BLOCK_START_HEAD =
            ascii("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":");
    private static final byte[] TEXT_BLOCK_TAIL = ascii(",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
    private static final byte[] THINKING_BLOCK_TAIL =
            ascii(",\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n");

    private final ChunkOutput output = ChunkOutput.pooled(); // the next stream on the thread gets it after
    private final JsonGenerator g = output.generator();
    private boolean released;

    /** Starts on a chunk: what is written goes into a buffer from {@code alloc}. */
    void begin(ByteBufAllocator alloc) {
        if (released) {
            throw new IllegalStateException("begin after release"); // the output may be another stream's now
        }
        output.begin(alloc);
    }

    /** What was written since {@link #begin}, owned by the caller (maybe the shared empty buffer). */
    ByteBuf take() {
        if (released) {
            throw new IllegalStateException("take after release");
        }
        return output.take();
    }

    /** Frees what is held or hands it to the next stream on this thread; nothing is written after. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        output.recycle();
    }

    /** Starts an event named {@code name}: its data object is open, with {@code "type": name}. */
    JsonGenerator open(SerializedString name) throws IOException {
        g.writeRaw(EVENT);
        g.writeRaw(name);
        g.writeRaw(DATA);
        g.writeStartObject();
        g.writeFieldName(TYPE);
        g.writeString(name);
        return g;
    }

    /** Ends the event {@link #open} started. */
    void close() throws IOException {
        g.writeEndObject();
        g.writeRaw(END);
    }

    /**
     * A whole {@code content_block_delta} of {@code index} whose delta ({@link #TEXT_DELTA},
     * {@link #THINKING_DELTA} or {@link #INPUT_JSON_DELTA}) carries {@code c[off, off + len)}. The framing is
     * written as constant bytes: only the index and the text go through the generator.
     */
    void delta(int index, SerializedString deltaType, char[] c, int off, int len) throws IOException {
        g.writeRaw(DELTA_HEAD);
        g.writeNumber(index); // a root value: the generator adds no separator (see ChunkOutput)
        g.writeRaw(deltaType);
        g.writeString(c, off, len);
        g.writeRaw(DELTA_TAIL);
    }

    /**
     * A whole {@code content_block_delta} as {@link #delta(int, SerializedString, char[], int, int)} writes it, whose
     * text is {@code b[off, off + len)}: the bytes of a JSON string between its quotes, escaped as they are, copied
     * as they are (an escape in a Chat chunk means the same in a Messages event). Constant bytes frame them, without
     * the generator: its checks and copies per event cost more than the copy of the text.
     */
    void delta(int index, SerializedString deltaType, byte[] b, int off, int len) {
        output.raw(DELTA_HEAD_BYTES);
        output.rawNumber(index);
        output.raw(
                deltaType == TEXT_DELTA
                        ? TEXT_DELTA_OPEN
                        : deltaType == THINKING_DELTA ? THINKING_DELTA_OPEN : INPUT_JSON_DELTA_OPEN);
        output.raw(b, off, len);
        output.raw(STRING_DELTA_TAIL);
    }

    /**
     * A {@code content_block_start} of {@code index} opening an empty text block ({@code thinking} false) or
     * thinking block (its signature empty: only Anthropic signs thinking, and clients require the field), the bytes
     * the generator would write.
     */
    void textBlockStart(int index, boolean thinking) {
        output.raw(BLOCK_START_HEAD);
        output.rawNumber(index);
        output.raw(thinking ? THINKING_BLOCK_TAIL : TEXT_BLOCK_TAIL);
    }

    /** A {@code content_block_stop} of {@code index}, framed as constant bytes as in {@link #delta}. */
    void blockStop(int index) {
        output.raw(STOP_HEAD_BYTES);
        output.rawNumber(index);
        output.raw(STOP_TAIL_BYTES);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(US_ASCII);
    }
}
