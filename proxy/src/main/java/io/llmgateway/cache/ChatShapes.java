package io.llmgateway.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.Usage;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/*
 * Design notes
 * - One form is stored per answer: OpenAI's chat.completion JSON with its usage. A streamed answer is assembled
 *   into it when it ends; the stream a hit replays is built from it once, when it is stored, so that a hit
 *   only copies bytes: the role, text and tool calls in one chunk, the finish reason in the next, the usage
 *   chunk (sent when the client asked for it) and [DONE].
 * - What the replay cannot reproduce is not stored: several choices, logprobs, a stream without [DONE] or
 *   without a finish reason.
 */
/** OpenAI's chat answers: read from JSON or from a stream, written as JSON and as a stream. */
final class ChatShapes {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private ChatShapes() {}

    /** The parts of an answer the replay writes. */
    static final class Answer {
        String id;
        String created = "0";
        String model;
        String fingerprint;
        StringBuilder content;
        StringBuilder refusal;
        final List<ToolCall> tools = new ArrayList<>();
        String finishReason;
        String usage; // raw JSON

        ToolCall tool(int index) {
            while (tools.size() <= index) {
                tools.add(new ToolCall());
            }
            return tools.get(index);
        }
    }

    static final class ToolCall {
        String id;
        String type = "function";
        String name;
        final StringBuilder arguments = new StringBuilder();
    }

    /** The stored form of a JSON answer, or null when it cannot be replayed. */
    static StoredForms fromJson(byte[] json) {
        Answer a = new Answer();
        try (JsonParser p = Sse.parser(json, json.length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int choices = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("choices") && t == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        if (++choices > 1 || !choice(p, a, "message")) {
                            return null;
                        }
                    }
                } else if (!top(p, a, name, t)) {
                    return null;
                }
            }
            if (choices != 1 || a.usage == null || a.finishReason == null) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return forms(json, a);
    }

    /** The stored form of a whole stream (ended by [DONE]), or null when it cannot be replayed. */
    static StoredForms fromStream(ByteBuf stream, Usage usage) {
        Answer a = new Answer();
        boolean[] done = {false};
        boolean read = Sse.events(stream, (data, length) -> {
            if (Sse.isDone(data, length)) {
                done[0] = true;
                return true;
            }
            try (JsonParser p = Sse.parser(data, length)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return false;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken t = p.nextToken();
                    if (name.equals("choices") && t == JsonToken.START_ARRAY) {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            if (!choice(p, a, "delta")) {
                                return false;
                            }
                        }
                    } else if (!top(p, a, name, t)) {
                        return false;
                    }
                }
            }
            return true;
        });
        if (!read || !done[0] || a.finishReason == null) {
            return null;
        }
        if (a.usage == null) {
            a.usage = usageJson(usage);
        }
        try {
            return forms(json(a), a);
        } catch (IOException e) {
            return null;
        }
    }

    /** A member of the answer (or a chunk) outside its choices; false when the replay cannot reproduce it. */
    private static boolean top(JsonParser p, Answer a, String name, JsonToken t) throws IOException {
        switch (name) {
            case "id" -> a.id = a.id == null ? p.getValueAsString() : a.id;
            case "created" -> a.created = t.isNumeric() ? p.getText() : a.created;
            case "model" -> a.model = a.model == null ? p.getValueAsString() : a.model;
            case "system_fingerprint" -> a.fingerprint = t == JsonToken.VALUE_STRING ? p.getText() : a.fingerprint;
            case "usage" -> a.usage = t == JsonToken.START_OBJECT ? Sse.raw(p) : a.usage;
            default -> p.skipChildren();
        }
        return true;
    }

    /** One choice; {@code part} is {@code message} (JSON) or {@code delta} (a stream's chunk). */
    private static boolean choice(JsonParser p, Answer a, String part) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("index")) {
                if (p.getIntValue() != 0) {
                    return false;
                }
            } else if (name.equals("logprobs")) {
                if (t != JsonToken.VALUE_NULL) {
                    return false;
                }
            } else if (name.equals("finish_reason")) {
                a.finishReason = t == JsonToken.VALUE_STRING ? p.getText() : a.finishReason;
            } else if (name.equals(part) && t == JsonToken.START_OBJECT) {
                message(p, a);
            } else {
                p.skipChildren();
            }
        }
        return true;
    }

    private static void message(JsonParser p, Answer a) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("content") && t == JsonToken.VALUE_STRING) {
                a.content = (a.content == null ? new StringBuilder() : a.content).append(p.getText());
            } else if (name.equals("refusal") && t == JsonToken.VALUE_STRING) {
                a.refusal = (a.refusal == null ? new StringBuilder() : a.refusal).append(p.getText());
            } else if (name.equals("tool_calls") && t == JsonToken.START_ARRAY) {
                int position = 0;
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    toolCall(p, a, position++);
                }
            } else {
                p.skipChildren();
            }
        }
    }

    /** A tool call: whole in a message; in pieces by {@code index} in a stream's deltas. */
    private static void toolCall(JsonParser p, Answer a, int position) throws IOException {
        int index = position;
        ToolCall call = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("index") && t == JsonToken.VALUE_NUMBER_INT) {
                index = p.getIntValue();
                call = a.tool(index);
            } else if (name.equals("function") && t == JsonToken.START_OBJECT) {
                call = call != null ? call : a.tool(index);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken v = p.nextToken();
                    if (field.equals("name") && v == JsonToken.VALUE_STRING) {
                        call.name = p.getText();
                    } else if (field.equals("arguments") && v == JsonToken.VALUE_STRING) {
                        call.arguments.append(p.getText());
                    } else {
                        p.skipChildren();
                    }
                }
            } else if ((name.equals("id") || name.equals("type")) && t == JsonToken.VALUE_STRING) {
                call = call != null ? call : a.tool(index);
                if (name.equals("id")) {
                    call.id = p.getText();
                } else {
                    call.type = p.getText();
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private static String usageJson(Usage u) {
        String json = "{\"prompt_tokens\":" + u.promptTokens() + ",\"completion_tokens\":" + u.completionTokens()
                + ",\"total_tokens\":" + (u.promptTokens() + u.completionTokens());
        return u.cacheReadTokens() > 0
                ? json + ",\"prompt_tokens_details\":{\"cached_tokens\":" + u.cacheReadTokens() + "}}"
                : json + "}";
    }

    /** The chat.completion JSON of an assembled stream. */
    private static byte[] json(Answer a) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + (a.content == null ? 0 : a.content.length()));
        try (JsonGenerator g = Sse.generator(out)) {
            g.writeStartObject();
            head(g, a, "chat.completion");
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("message");
            delta(g, a, false);
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", a.finishReason);
            g.writeEndObject();
            g.writeEndArray();
            g.writeFieldName("usage");
            g.writeRawValue(a.usage);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static StoredForms forms(byte[] json, Answer a) {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream(json.length + 512);
            Sse.event(body, null, chunk(a, 1));
            Sse.event(body, null, chunk(a, 2));
            ByteArrayOutputStream usage = new ByteArrayOutputStream(a.usage.length() + 128);
            Sse.event(usage, null, chunk(a, 3));
            return new StoredForms(json, body.toByteArray(), usage.toByteArray(), DONE);
        } catch (IOException e) {
            return null;
        }
    }

    /** Chunk 1: the whole message as a delta; 2: the finish reason; 3: the usage. */
    private static byte[] chunk(Answer a, int which) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Sse.generator(out)) {
            g.writeStartObject();
            head(g, a, "chat.completion.chunk");
            g.writeArrayFieldStart("choices");
            if (which < 3) {
                g.writeStartObject();
                g.writeNumberField("index", 0);
                g.writeObjectFieldStart("delta");
                if (which == 1) {
                    delta(g, a, true);
                }
                g.writeEndObject();
                g.writeNullField("logprobs");
                if (which == 1) {
                    g.writeNullField("finish_reason");
                } else {
                    g.writeStringField("finish_reason", a.finishReason);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            if (which == 3) {
                g.writeFieldName("usage");
                g.writeRawValue(a.usage);
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void head(JsonGenerator g, Answer a, String object) throws IOException {
        g.writeStringField("id", a.id == null ? "chatcmpl-cached" : a.id);
        g.writeStringField("object", object);
        g.writeFieldName("created");
        g.writeNumber(a.created);
        g.writeStringField("model", a.model == null ? "" : a.model);
        if (a.fingerprint != null) {
            g.writeStringField("system_fingerprint", a.fingerprint);
        }
    }

    /** The message's members; in a stream's delta, without the absent ones. */
    private static void delta(JsonGenerator g, Answer a, boolean stream) throws IOException {
        g.writeStringField("role", "assistant");
        if (a.content != null) {
            g.writeStringField("content", a.content.toString());
        } else if (!stream) {
            g.writeNullField("content");
        }
        if (a.refusal != null) {
            g.writeStringField("refusal", a.refusal.toString());
        } else if (!stream) {
            g.writeNullField("refusal");
        }
        if (!a.tools.isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (int i = 0; i < a.tools.size(); i++) {
                ToolCall c = a.tools.get(i);
                g.writeStartObject();
                if (stream) {
                    g.writeNumberField("index", i);
                }
                g.writeStringField("id", c.id == null ? "" : c.id);
                g.writeStringField("type", c.type);
                g.writeObjectFieldStart("function");
                g.writeStringField("name", c.name == null ? "" : c.name);
                g.writeStringField("arguments", c.arguments.toString());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
    }
}
