package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;

/**
 * Writes Anthropic's stream events ({@code event: name}, {@code data: json}, a blank line) for one stream.
 * One generator serves the whole stream and writes into the buffer of the chunk being translated, made
 * when the first byte of it is written: an event costs no generator, no buffer of its own and no string
 * for a text fragment (the parser's characters are written as they are). One instance per stream, used from
 * one thread.
 */
final class MessagesViaChatEvents {
    private static final SerializedString EVENT = new SerializedString("event: ");
    private static final SerializedString TYPE = new SerializedString("type");
    private static final SerializedString INDEX = new SerializedString("index");
    static final SerializedString MESSAGE_START = new SerializedString("message_start");
    static final SerializedString CONTENT_BLOCK_START = new SerializedString("content_block_start");
    static final SerializedString CONTENT_BLOCK_DELTA = new SerializedString("content_block_delta");
    static final SerializedString CONTENT_BLOCK_STOP = new SerializedString("content_block_stop");
    static final SerializedString MESSAGE_DELTA = new SerializedString("message_delta");
    static final SerializedString MESSAGE_STOP = new SerializedString("message_stop");
    static final SerializedString ERROR = new SerializedString("error");
    static final SerializedString TEXT_DELTA = new SerializedString("text_delta");
    static final SerializedString THINKING_DELTA = new SerializedString("thinking_delta");
    static final SerializedString INPUT_JSON_DELTA = new SerializedString("input_json_delta");
    private static final SerializedString DATA = new SerializedString("\ndata: ");
    private static final SerializedString END = new SerializedString("\n\n");

    private final ChunkOutput output = new ChunkOutput(MessagesViaChatSource.FACTORY, null);
    private final JsonGenerator g = output.generator();

    /** Starts on a chunk: what is written goes into a buffer from {@code alloc}. */
    void begin(ByteBufAllocator alloc) {
        output.begin(alloc);
    }

    /** What was written since {@link #begin}, owned by the caller (maybe the shared empty buffer). */
    ByteBuf take() {
        return output.take();
    }

    /** Frees what is held; nothing is written after. */
    void release() {
        output.release();
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

    /** Starts a {@code content_block_delta} of {@code index} with its open delta of {@code deltaType}. */
    JsonGenerator openDelta(int index, SerializedString deltaType) throws IOException {
        open(CONTENT_BLOCK_DELTA);
        g.writeFieldName(INDEX);
        g.writeNumber(index);
        g.writeObjectFieldStart("delta");
        g.writeFieldName(TYPE);
        g.writeString(deltaType);
        return g;
    }

    /** Ends the event {@link #openDelta} started. */
    void closeDelta() throws IOException {
        g.writeEndObject();
        close();
    }

    /** A {@code content_block_stop} of {@code index}. */
    void blockStop(int index) throws IOException {
        open(CONTENT_BLOCK_STOP);
        g.writeFieldName(INDEX);
        g.writeNumber(index);
        close();
    }
}
