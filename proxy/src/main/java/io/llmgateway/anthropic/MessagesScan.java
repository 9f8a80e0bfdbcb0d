package io.llmgateway.anthropic;

import static io.llmgateway.anthropic.MessagesScanner.MAX_MODEL_BYTES;
import static io.llmgateway.anthropic.MessagesScanner.PARSE_ERROR;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.util.BoundedStrings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One scan of a Messages request: the root keys the gateway acts on ({@code model}, {@code stream},
 * {@code max_tokens}) and the text the token estimate counts (system, message blocks, tool calls and results,
 * thinking, tool definitions). Messages follow the API's shapes: content is a string or an array of blocks,
 * a {@code tool_result}'s content likewise. Mutable state of one scan; never shared.
 */
final class MessagesScan {
    /** The most bytes a model within {@code MAX_MODEL_BYTES} takes as sent: six per byte, all escaped. */
    private static final int MAX_MODEL_RAW_BYTES = 6 * MAX_MODEL_BYTES;

    private final JsonParser p;
    private final byte[] array;
    private final int off;
    private final int end;
    private final boolean countTokens;

    private String model;
    private int modelStart = -1;
    private int modelEnd = -1;
    private boolean stream;
    private long maxTokens = -1;
    private boolean sawMessages;
    private int seen; // bit set of the keys that may appear only once
    private final List<String> texts = new ArrayList<>();
    private int images;
    private int messages;

    MessagesScan(JsonParser p, byte[] array, int off, int end, boolean countTokens) {
        this.p = p;
        this.array = array;
        this.off = off;
        this.end = end;
        this.countTokens = countTokens;
    }

    MessagesRequest run() throws IOException, BadRequestException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new BadRequestException(PARSE_ERROR, null);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            rootField(name, p.nextToken());
        }
        if (p.nextToken() != null) { // a second root value after the object
            throw new BadRequestException(PARSE_ERROR, null);
        }
        if (model == null) {
            throw new BadRequestException("model: Field required", "model");
        }
        if (!countTokens && maxTokens < 0) {
            throw new BadRequestException("max_tokens: Field required", "max_tokens");
        }
        if (!sawMessages) {
            throw new BadRequestException("messages: Field required", "messages");
        }
        return new MessagesRequest(
                model, modelStart, modelEnd, stream && !countTokens, maxTokens, texts, images, messages);
    }

    private void rootField(String name, JsonToken t) throws IOException, BadRequestException {
        switch (name) {
            case "model" -> {
                once(0, name);
                requireType(t == JsonToken.VALUE_STRING, name, "a valid string");
                modelStart = tokenStart();
                // Measured before Jackson decodes it: a huge name is refused without being copied.
                if (!BoundedStrings.closesWithin(array, off + modelStart, end, MAX_MODEL_RAW_BYTES)) {
                    throw modelTooLong();
                }
                model = p.getText();
                if (model.length() > MAX_MODEL_BYTES / 3 && BoundedStrings.utf8Length(model) > MAX_MODEL_BYTES) {
                    throw modelTooLong();
                }
                if (model.isEmpty()) {
                    throw new BadRequestException("model: String should have at least 1 character", name);
                }
                modelEnd = position(); // the string is now fully read, closing quote included
            }
            case "stream" -> {
                once(1, name);
                requireType(t.isBoolean() || t == JsonToken.VALUE_NULL, name, "a valid boolean");
                stream = t == JsonToken.VALUE_TRUE;
            }
            case "max_tokens" -> {
                once(2, name);
                maxTokens(t);
            }
            case "messages" -> {
                requireType(t == JsonToken.START_ARRAY, name, "a valid list");
                sawMessages = true;
                messageArray();
            }
            case "system" -> {
                requireType(
                        t == JsonToken.VALUE_STRING || t == JsonToken.START_ARRAY || t == JsonToken.VALUE_NULL,
                        name,
                        "a valid string or list");
                content(t);
            }
            case "tools" -> {
                requireType(t == JsonToken.START_ARRAY, name, "a valid list");
                rawJson(t);
            }
            default -> p.skipChildren();
        }
    }

    private void maxTokens(JsonToken t) throws IOException, BadRequestException {
        requireType(t == JsonToken.VALUE_NUMBER_INT, "max_tokens", "a valid integer");
        long v;
        try {
            v = p.getLongValue();
        } catch (InputCoercionException e) {
            v = -1;
        }
        if (v < 1) {
            throw new BadRequestException(
                    "max_tokens: Input should be greater than or equal to 1 (and at most " + Long.MAX_VALUE + ")",
                    "max_tokens");
        }
        maxTokens = v;
    }

    /** {@code messages}, at its START_ARRAY: each item an object with a role and content. */
    private void messageArray() throws IOException, BadRequestException {
        int index = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new BadRequestException("messages." + index + ": Input should be a valid dictionary", "messages");
            }
            messages++;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("content".equals(name)) {
                    content(t);
                } else {
                    p.skipChildren();
                }
            }
            index++;
        }
    }

    /** A string, or an array of content blocks. */
    private void content(JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            text(t);
            return;
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() == JsonToken.START_OBJECT) {
                block();
            } else {
                text(p.currentToken());
            }
        }
    }

    /**
     * A content block of any type: its text ({@code text}, {@code thinking}), a tool call's name and input,
     * a tool result's content; an image or document source counts as an image. Signatures, ids and
     * {@code cache_control} are not text the model reads.
     */
    private void block() throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "text", "thinking", "name" -> text(t);
                case "input" -> rawJson(t);
                case "content" -> content(t);
                case "source" -> {
                    images++;
                    p.skipChildren(); // base64 data is skipped unread
                }
                default -> p.skipChildren();
            }
        }
    }

    private void text(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            texts.add(p.getText());
        } else {
            p.skipChildren();
        }
    }

    /** Tool definitions and tool inputs are billed as text: their JSON as written. */
    private void rawJson(JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY && t != JsonToken.START_OBJECT) {
            text(t);
            return;
        }
        int start = tokenStart();
        p.skipChildren();
        texts.add(new String(array, off + start, position() - start, UTF_8));
    }

    private void once(int bit, String name) throws BadRequestException {
        if ((seen & (1 << bit)) != 0) {
            throw new BadRequestException(name + ": duplicate key in the request body", name);
        }
        seen |= 1 << bit;
    }

    private static BadRequestException modelTooLong() {
        return new BadRequestException(
                "model: String should have at most " + MAX_MODEL_BYTES + " bytes", "model", "string_above_max_length");
    }

    private static void requireType(boolean ok, String param, String expected) throws BadRequestException {
        if (!ok) {
            throw new BadRequestException(param + ": Input should be " + expected, param);
        }
    }

    private int tokenStart() {
        return (int) p.currentTokenLocation().getByteOffset();
    }

    private int position() {
        return (int) p.currentLocation().getByteOffset();
    }
}
