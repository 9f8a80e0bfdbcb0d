package io.llmgateway.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/*
 * Design notes
 * - Anthropic's Messages answers, as ChatShapes does OpenAI's: the stored form is the message JSON with its
 *   usage; a stream is assembled into it when it ended with message_stop, and the stream a hit replays is built
 *   once: message_start, each block in one delta, message_delta with the stop reason and usage, message_stop.
 * - Only blocks the replay reproduces are stored from a stream: text, tool_use, thinking, redacted_thinking.
 */
/** Anthropic's message answers: read from JSON or from a stream, written as JSON and as a stream. */
final class MessageShapes {
    private static final byte[] NONE = new byte[0];

    private MessageShapes() {}

    private static final class Answer {
        String id;
        String model;
        final List<Block> blocks = new ArrayList<>();
        String stopReason = "null"; // raw JSON
        String stopSequence = "null";
        final Map<String, String> usage = new LinkedHashMap<>(); // raw values
        boolean stopped;
    }

    private static final class Block {
        String type;
        final StringBuilder text = new StringBuilder(); // text, or thinking
        String signature;
        String id;
        String name;
        StringBuilder input; // raw JSON, or its pieces
        String raw; // the whole block, for redacted_thinking
    }

    /** The stored form of a JSON answer, or null when it cannot be replayed. */
    static StoredForms fromJson(byte[] json) {
        Answer a = new Answer();
        try (JsonParser p = Sse.parser(json, json.length)) {
            if (p.nextToken() != JsonToken.START_OBJECT || !message(p, a)) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return a.usage.isEmpty() || a.stopReason.equals("null") ? null : forms(json, a);
    }

    /** The stored form of a whole stream (ended by message_stop), or null when it cannot be replayed. */
    static StoredForms fromStream(ByteBuf stream) {
        Answer a = new Answer();
        boolean read = Sse.events(stream, (data, length) -> {
            try (JsonParser p = Sse.parser(data, length)) {
                return p.nextToken() == JsonToken.START_OBJECT && event(p, a);
            }
        });
        if (!read || !a.stopped || a.usage.isEmpty()) {
            return null;
        }
        try {
            return forms(json(a), a);
        } catch (IOException e) {
            return null;
        }
    }

    /** The members of a message object (the answer, or message_start's); false when not replayable. */
    private static boolean message(JsonParser p, Answer a) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> a.id = p.getValueAsString();
                case "model" -> a.model = p.getValueAsString();
                case "stop_reason" -> a.stopReason = Sse.raw(p);
                case "stop_sequence" -> a.stopSequence = Sse.raw(p);
                case "usage" -> usage(p, a);
                case "content" -> {
                    if (t != JsonToken.START_ARRAY) {
                        return false;
                    }
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        Block b = block(Sse.raw(p));
                        if (b == null) {
                            return false;
                        }
                        a.blocks.add(b);
                    }
                }
                default -> p.skipChildren();
            }
        }
        return true;
    }

    private static void usage(JsonParser p, Answer a) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            String value = Sse.raw(p);
            if (!value.equals("null")) {
                a.usage.put(name, value);
            }
        }
    }

    /** A content block from its JSON; null when its type is not one the replay writes. */
    private static Block block(String raw) throws IOException {
        Block b = new Block();
        b.raw = raw;
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = Sse.parser(bytes, bytes.length)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "type" -> b.type = p.getText();
                    case "text", "thinking" -> b.text.append(p.getText());
                    case "signature" -> b.signature = p.getText();
                    case "id" -> b.id = p.getText();
                    case "name" -> b.name = p.getText();
                    case "input" -> b.input = new StringBuilder(t == JsonToken.START_OBJECT ? Sse.raw(p) : "{}");
                    default -> p.skipChildren();
                }
            }
        }
        boolean known = "text".equals(b.type)
                || "tool_use".equals(b.type)
                || "thinking".equals(b.type)
                || "redacted_thinking".equals(b.type);
        return known ? b : null;
    }

    /** One event of a stream; false when it is an error or not replayable. */
    private static boolean event(JsonParser p, Answer a) throws IOException {
        String type = null;
        int index = -1;
        String block = null;
        String delta = null;
        Answer message = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "type" -> type = p.getText();
                case "index" -> index = p.getIntValue();
                case "content_block" -> block = Sse.raw(p);
                case "delta" -> delta = Sse.raw(p);
                case "usage" -> usage(p, a);
                case "message" -> {
                    if (t != JsonToken.START_OBJECT || !message(p, a)) {
                        return false;
                    }
                    message = a;
                }
                default -> p.skipChildren();
            }
        }
        if (type == null) {
            return false;
        }
        switch (type) {
            case "message_start" -> {
                return message != null && a.blocks.isEmpty();
            }
            case "content_block_start" -> {
                Block b = block == null ? null : block(block);
                if (b == null || index != a.blocks.size()) {
                    return false;
                }
                if (b.input != null) {
                    b.input.setLength(0); // the input comes in pieces
                }
                a.blocks.add(b);
                return true;
            }
            case "content_block_delta" -> {
                return index >= 0 && index < a.blocks.size() && delta != null && delta(a.blocks.get(index), delta);
            }
            case "message_delta" -> {
                if (delta != null) {
                    messageDelta(a, delta);
                }
                return true;
            }
            case "message_stop" -> {
                a.stopped = true;
                return true;
            }
            case "content_block_stop", "ping" -> {
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private static boolean delta(Block b, String raw) throws IOException {
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = Sse.parser(bytes, bytes.length)) {
            p.nextToken();
            String type = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "type" -> type = p.getText();
                    case "text", "thinking" -> b.text.append(p.getText());
                    case "partial_json" -> {
                        if (b.input == null) {
                            return false;
                        }
                        b.input.append(p.getText());
                    }
                    case "signature" -> b.signature = p.getText();
                    default -> p.skipChildren();
                }
            }
            return "text_delta".equals(type)
                    || "input_json_delta".equals(type)
                    || "thinking_delta".equals(type)
                    || "signature_delta".equals(type);
        }
    }

    private static void messageDelta(Answer a, String raw) throws IOException {
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = Sse.parser(bytes, bytes.length)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "stop_reason" -> a.stopReason = Sse.raw(p);
                    case "stop_sequence" -> a.stopSequence = Sse.raw(p);
                    default -> p.skipChildren();
                }
            }
        }
    }

    private static byte[] json(Answer a) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = Sse.generator(out)) {
            message(g, a, true);
        }
        return out.toByteArray();
    }

    /** The message object; for message_start ({@code whole} false) without its content and stop reason. */
    private static void message(JsonGenerator g, Answer a, boolean whole) throws IOException {
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

    private static StoredForms forms(byte[] json, Answer a) {
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
