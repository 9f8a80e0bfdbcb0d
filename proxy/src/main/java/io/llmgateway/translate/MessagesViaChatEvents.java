package io.llmgateway.translate;

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
 * written as they are). One instance per stream, used from one thread.
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
    private static final SerializedString STOP_HEAD =
            new SerializedString("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":");
    private static final SerializedString STOP_TAIL = new SerializedString("}\n\n");

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
     * as they are (an escape in a Chat chunk means the same in a Messages event).
     */
    void delta(int index, SerializedString deltaType, byte[] b, int off, int len) throws IOException {
        g.writeRaw(DELTA_HEAD);
        g.writeNumber(index);
        g.writeRaw(deltaType);
        g.writeRawUTF8String(b, off, len);
        g.writeRaw(DELTA_TAIL);
    }

    /** A {@code content_block_stop} of {@code index}, framed as constant bytes as in {@link #delta}. */
    void blockStop(int index) throws IOException {
        g.writeRaw(STOP_HEAD);
        g.writeNumber(index);
        g.writeRaw(STOP_TAIL);
    }
}
