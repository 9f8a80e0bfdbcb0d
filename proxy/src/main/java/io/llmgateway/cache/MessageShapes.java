package io.llmgateway.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmgateway.cache.MessageAnswer.Block;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/*
 * Design notes
 * - Anthropic's Messages answers, as ChatShapes does OpenAI's: the stored form is the message JSON with its
 *   usage; a stream is assembled into it when it ended with message_stop, and the stream a hit replays is built
 *   once: message_start, each block in one delta, message_delta with the stop reason and usage, message_stop.
 * - Only blocks the replay reproduces are stored from a stream: text, tool_use, thinking, redacted_thinking.
 */
/** Anthropic's message answers as stored: the JSON form and the stream a hit replays (MessageReader reads them). */
final class MessageShapes {
    private static final byte[] NONE = new byte[0];

    private MessageShapes() {}

    /** The stored form of a JSON answer, or null when it cannot be replayed. */
    static StoredForms fromJson(byte[] json) {
        MessageAnswer a = MessageReader.fromJson(json);
        return a == null || a.usage.isEmpty() || a.stopReason.equals("null") ? null : forms(json, a);
    }

    /** The stored form of a whole stream (ended by message_stop), or null when it cannot be replayed. */
    static StoredForms fromStream(ByteBuf stream) {
        MessageAnswer a = MessageReader.fromStream(stream);
        if (a == null || !a.stopped || a.usage.isEmpty()) {
            return null;
        }
        try {
            return forms(json(a), a);
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] json(MessageAnswer a) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = Sse.generator(out)) {
            message(g, a, true);
        }
        return out.toByteArray();
    }

    /** The message object; for message_start ({@code whole} false) without its content and stop reason. */
    private static void message(JsonGenerator g, MessageAnswer a, boolean whole) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", a.id == null ? "msg_cached" : a.id);
        g.writeStringField("type", "message");
        g.writeStringField("role", "assistant");
        g.writeStringField("model", a.model == null ? "" : a.model);
        g.writeArrayFieldStart("content");
        if (whole) {
            for (Block b : a.blocks) {
                block(g, b, true);
            }
        }
        g.writeEndArray();
        g.writeFieldName("stop_reason");
        g.writeRawValue(whole ? a.stopReason : "null");
        g.writeFieldName("stop_sequence");
        g.writeRawValue(whole ? a.stopSequence : "null");
        g.writeObjectFieldStart("usage");
        for (Map.Entry<String, String> e : a.usage.entrySet()) {
            g.writeFieldName(e.getKey());
            g.writeRawValue(e.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /** A block whole, or ({@code whole} false) as content_block_start announces it, empty. */
    private static void block(JsonGenerator g, Block b, boolean whole) throws IOException {
        if (b.type.equals("redacted_thinking")) {
            g.writeRawValue(b.raw);
            return;
        }
        g.writeStartObject();
        g.writeStringField("type", b.type);
        switch (b.type) {
            case "text" -> g.writeStringField("text", whole ? b.text.toString() : "");
            case "thinking" -> {
                g.writeStringField("thinking", whole ? b.text.toString() : "");
                if (whole && b.signature != null) {
                    g.writeStringField("signature", b.signature);
                }
            }
            default -> { // tool_use
                g.writeStringField("id", b.id == null ? "" : b.id);
                g.writeStringField("name", b.name == null ? "" : b.name);
                g.writeFieldName("input");
                g.writeRawValue(whole && b.input != null && b.input.length() > 0 ? b.input.toString() : "{}");
            }
        }
        g.writeEndObject();
    }

    private static StoredForms forms(byte[] json, MessageAnswer a) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(json.length * 2 + 512);
            Sse.event(out, "message_start", object(g -> {
                g.writeStringField("type", "message_start");
                g.writeFieldName("message");
                message(g, a, false);
            }));
            for (int i = 0; i < a.blocks.size(); i++) {
                Block b = a.blocks.get(i);
                int index = i;
                Sse.event(out, "content_block_start", object(g -> {
                    g.writeStringField("type", "content_block_start");
                    g.writeNumberField("index", index);
                    g.writeFieldName("content_block");
                    block(g, b, false);
                }));
                for (String[] d : deltas(b)) {
                    Sse.event(out, "content_block_delta", object(g -> {
                        g.writeStringField("type", "content_block_delta");
                        g.writeNumberField("index", index);
                        g.writeObjectFieldStart("delta");
                        g.writeStringField("type", d[0]);
                        g.writeStringField(d[1], d[2]);
                        g.writeEndObject();
                    }));
                }
                Sse.event(out, "content_block_stop", object(g -> {
                    g.writeStringField("type", "content_block_stop");
                    g.writeNumberField("index", index);
                }));
            }
            Sse.event(out, "message_delta", object(g -> {
                g.writeStringField("type", "message_delta");
                g.writeObjectFieldStart("delta");
                g.writeFieldName("stop_reason");
                g.writeRawValue(a.stopReason);
                g.writeFieldName("stop_sequence");
                g.writeRawValue(a.stopSequence);
                g.writeEndObject();
                g.writeObjectFieldStart("usage");
                g.writeFieldName("output_tokens");
                g.writeRawValue(a.usage.getOrDefault("output_tokens", "0"));
                g.writeEndObject();
            }));
            Sse.event(out, "message_stop", "{\"type\":\"message_stop\"}".getBytes(StandardCharsets.US_ASCII));
            return new StoredForms(json, out.toByteArray(), NONE, NONE);
        } catch (IOException e) {
            return null;
        }
    }

    /** The deltas that carry a block's content: (delta type, field, value). */
    private static List<String[]> deltas(Block b) {
        List<String[]> deltas = new ArrayList<>(2);
        switch (b.type) {
            case "text" -> deltas.add(new String[] {"text_delta", "text", b.text.toString()});
            case "thinking" -> {
                deltas.add(new String[] {"thinking_delta", "thinking", b.text.toString()});
                if (b.signature != null) {
                    deltas.add(new String[] {"signature_delta", "signature", b.signature});
                }
            }
            case "tool_use" -> {
                String input = b.input == null || b.input.length() == 0 ? "{}" : b.input.toString();
                deltas.add(new String[] {"input_json_delta", "partial_json", input});
            }
            default -> {}
        }
        return deltas;
    }

    private interface Members {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] object(Members members) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = Sse.generator(out)) {
            g.writeStartObject();
            members.write(g);
            g.writeEndObject();
        }
        return out.toByteArray();
    }
}
