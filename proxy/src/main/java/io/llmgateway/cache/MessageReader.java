package io.llmgateway.cache;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.cache.MessageAnswer.Block;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/*
 * Design notes
 * - A stream is read event by event into the same MessageAnswer a JSON answer fills in; an event that the
 *   replay cannot reproduce (an error, an unknown block or delta type, a block out of order) makes the whole
 *   answer unreadable, so that nothing partial is stored.
 */
/** Reads Anthropic's message answers, from JSON or from a stream, into a MessageAnswer. */
final class MessageReader {
    private MessageReader() {}

    /** The answer in a JSON message, or null when it is not a message the replay can write. */
    static MessageAnswer fromJson(byte[] json) {
        MessageAnswer a = new MessageAnswer();
        try (JsonParser p = Sse.parser(json, json.length)) {
            if (p.nextToken() != JsonToken.START_OBJECT || !message(p, a)) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return a;
    }

    /** The answer in a stream's events, or null when one of them is not one the replay can write. */
    static MessageAnswer fromStream(ByteBuf stream) {
        MessageAnswer a = new MessageAnswer();
        boolean read = Sse.events(stream, (data, length) -> {
            try (JsonParser p = Sse.parser(data, length)) {
                return p.nextToken() == JsonToken.START_OBJECT && event(p, a);
            }
        });
        return read ? a : null;
    }

    /** The members of a message object (the answer, or message_start's); false when not replayable. */
    private static boolean message(JsonParser p, MessageAnswer a) throws IOException {
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

    private static void usage(JsonParser p, MessageAnswer a) throws IOException {
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
    private static boolean event(JsonParser p, MessageAnswer a) throws IOException {
        String type = null;
        int index = -1;
        String block = null;
        String delta = null;
        MessageAnswer message = null;
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

    private static void messageDelta(MessageAnswer a, String raw) throws IOException {
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
}
