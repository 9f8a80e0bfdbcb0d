package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.llmgateway.openai.OpenAiErrors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;

/**
 * Writes {@code chat.completion.chunk} events ({@code data: {...}\n\n}) for one streamed answer, each with the
 * same {@code id}, {@code created} and {@code model}, into buffers taken chunk by chunk ({@link #take}). One
 * generator serves the whole stream (its id and model are escaped once); texts are written from the caller's
 * char arrays without becoming Strings. When the client asked for the usage chunk, every other chunk carries
 * {@code "usage":null}, as OpenAI's do. One instance per stream, used from one thread.
 */
final class ChatViaChunks {
    private static final SerializedString CHUNK = new SerializedString("chat.completion.chunk");

    private final ChunkOutput output = new ChunkOutput(ChatViaObject.FACTORY, ByteBufAllocator.DEFAULT);
    private final JsonGenerator g = output.generator();
    private final long created;
    private final boolean includeUsage;
    private SerializableString id = new SerializedString("");
    private SerializableString model;

    ChatViaChunks(String model, long created, boolean includeUsage) {
        this.model = new SerializedString(model);
        this.created = created;
        this.includeUsage = includeUsage;
    }

    /** The answer's id and model, from {@code message_start}; a null keeps the current value. */
    void identify(String id, String model) {
        if (id != null) {
            this.id = new SerializedString(id);
        }
        if (model != null) {
            this.model = new SerializedString(model);
        }
    }

    /** Output from now on goes to buffers of {@code alloc}. */
    void begin(ByteBufAllocator alloc) {
        output.begin(alloc);
    }

    /** What was written since the last call, owned by the caller (maybe empty). */
    ByteBuf take() {
        return output.take();
    }

    /** Frees the generator; what was not taken is dropped. */
    void close() {
        output.release();
    }

    /** The first chunk: {@code "delta":{"role":"assistant","content":""}}. */
    void role() throws IOException {
        open();
        g.writeStringField("role", "assistant");
        g.writeStringField("content", "");
        close(null);
    }

    /** A delta of {@code field} ({@code content} or {@code reasoning_content}). */
    void text(String field, char[] c, int off, int len) throws IOException {
        open();
        g.writeFieldName(field);
        g.writeString(c, off, len);
        close(null);
    }

    /** A tool call begins: its index, id, type, name and empty arguments. */
    void toolStart(int index, String callId, String name, String arguments) throws IOException {
        open();
        g.writeArrayFieldStart("tool_calls");
        g.writeStartObject();
        g.writeNumberField("index", index);
        g.writeStringField("id", callId);
        g.writeStringField("type", "function");
        g.writeObjectFieldStart("function");
        g.writeStringField("name", name);
        g.writeStringField("arguments", arguments);
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
        close(null);
    }

    /** A fragment of the arguments of the tool call at {@code index}. */
    void toolArguments(int index, char[] c, int off, int len) throws IOException {
        open();
        g.writeArrayFieldStart("tool_calls");
        g.writeStartObject();
        g.writeNumberField("index", index);
        g.writeObjectFieldStart("function");
        g.writeFieldName("arguments");
        g.writeString(c, off, len);
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
        close(null);
    }

    /** The chunk with the {@code finish_reason} and an empty delta. */
    void finish(String reason) throws IOException {
        open();
        close(reason);
    }

    /** The usage chunk: {@code "choices":[]} and the usage. */
    void usage(ChatViaMessagesUsage usage) throws IOException {
        g.writeRaw("data: ");
        g.writeStartObject();
        head();
        g.writeArrayFieldStart("choices");
        g.writeEndArray();
        usage.write(g);
        g.writeEndObject();
        g.writeRaw("\n\n");
    }

    void done() throws IOException {
        g.writeRaw("data: [DONE]\n\n");
    }

    /** An error event in OpenAI's shape, which the SDKs raise as an API error. */
    void error(String message, String code) throws IOException {
        g.writeRaw("data: ");
        g.writeRaw(OpenAiErrors.json(OpenAiErrors.UPSTREAM, message, null, code));
        g.writeRaw("\n\n");
    }

    private void head() throws IOException {
        g.writeFieldName("id");
        g.writeString(id);
        g.writeFieldName("object");
        g.writeString(CHUNK);
        g.writeNumberField("created", created);
        g.writeFieldName("model");
        g.writeString(model);
    }

    /** Starts a chunk up to the inside of its delta. */
    private void open() throws IOException {
        g.writeRaw("data: ");
        g.writeStartObject();
        head();
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", 0);
        g.writeObjectFieldStart("delta");
    }

    /** Ends the chunk {@link #open} started. */
    private void close(String finishReason) throws IOException {
        g.writeEndObject();
        g.writeNullField("logprobs");
        g.writeStringField("finish_reason", finishReason);
        g.writeEndObject();
        g.writeEndArray();
        if (includeUsage) {
            g.writeNullField("usage");
        }
        g.writeEndObject();
        g.writeRaw("\n\n");
    }
}
