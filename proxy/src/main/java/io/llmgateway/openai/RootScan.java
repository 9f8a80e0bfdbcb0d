package io.llmgateway.openai;

import static io.llmgateway.openai.RequestScanner.MAX_MODEL_BYTES;
import static io.llmgateway.openai.RequestScanner.PARSE_ERROR;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.util.BoundedStrings;
import java.io.IOException;

/**
 * The top-level scan of one request body: the root keys the gateway acts on ({@code model},
 * {@code stream}, {@code stream_options}, the token bounds) and where to edit the body so that a stream
 * reports its usage. Mutable state of one scan; never shared.
 */
final class RootScan extends ContentWalker {
    /** The most bytes a model within {@code MAX_MODEL_BYTES} takes as sent: six per byte, all escaped. */
    private static final int MAX_MODEL_RAW_BYTES = 6 * MAX_MODEL_BYTES;

    private static final String MODEL_TOO_LONG = "Invalid 'model': string too long. Expected a string with"
            + " maximum length " + MAX_MODEL_BYTES + " bytes.";

    private static final byte[] INSERT_ROOT = "\"stream_options\":{\"include_usage\":true}".getBytes(UTF_8);
    private static final byte[] INSERT_ROOT_COMMA = "\"stream_options\":{\"include_usage\":true},".getBytes(UTF_8);
    private static final byte[] INSERT_OPTIONS = "\"include_usage\":true".getBytes(UTF_8);
    private static final byte[] INSERT_OPTIONS_COMMA = "\"include_usage\":true,".getBytes(UTF_8);
    private static final byte[] OPTIONS_OBJECT = "{\"include_usage\":true}".getBytes(UTF_8);
    private static final byte[] TRUE = "true".getBytes(UTF_8);

    private final int end;

    private String model;
    private int modelStart = -1;
    private int modelEnd = -1;
    private boolean stream;
    private long maxTokens = -1;
    private int seen; // bit set of the keys that may appear only once

    private int rootOpen;
    private boolean rootEmpty = true;
    private boolean optionsPresent;
    private boolean optionsNull;
    private int optionsStart = -1;
    private int optionsEnd = -1;
    private boolean optionsEmpty = true;
    private boolean includeUsage;
    private int includeUsageStart = -1;
    private int includeUsageEnd = -1;

    RootScan(JsonParser p, byte[] array, int off, int end) {
        super(p, array, off);
        this.end = end;
    }

    RequestInfo run() throws IOException, BadRequestException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new BadRequestException(PARSE_ERROR, null);
        }
        rootOpen = tokenStart();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            rootEmpty = false;
            String name = p.currentName();
            JsonToken t = p.nextToken();
            rootField(name, t);
        }
        if (p.nextToken() != null) { // a second root value after the object
            throw new BadRequestException(PARSE_ERROR, null);
        }
        if (model == null || model.isEmpty()) {
            throw new BadRequestException("you must provide a model parameter", "model");
        }
        return new RequestInfo(
                model,
                modelStart,
                modelEnd,
                stream,
                includeUsage,
                maxTokens,
                texts,
                images,
                messages,
                extraTokens,
                editStart(),
                editEnd(),
                editBytes());
    }

    private void rootField(String name, JsonToken t) throws IOException, BadRequestException {
        switch (name) {
            case "model" -> {
                once(0, name);
                if (t == JsonToken.VALUE_NULL) {
                    return;
                }
                requireType(t == JsonToken.VALUE_STRING, name, "a string", t);
                modelStart = tokenStart();
                // Measured before Jackson decodes it: a huge name is refused without being copied.
                if (!BoundedStrings.closesWithin(array, off + modelStart, end, MAX_MODEL_RAW_BYTES)) {
                    throw new BadRequestException(MODEL_TOO_LONG, name, "string_above_max_length");
                }
                model = p.getText();
                if (model.length() > MAX_MODEL_BYTES / 3 && BoundedStrings.utf8Length(model) > MAX_MODEL_BYTES) {
                    throw new BadRequestException(MODEL_TOO_LONG, name, "string_above_max_length");
                }
                modelEnd = position(); // the string is now fully read, closing quote included
            }
            case "stream" -> {
                once(1, name);
                requireType(t.isBoolean() || t == JsonToken.VALUE_NULL, name, "a boolean", t);
                stream = t == JsonToken.VALUE_TRUE;
            }
            case "stream_options" -> {
                once(2, name);
                streamOptions(t);
            }
            case "max_tokens", "max_completion_tokens", "max_output_tokens" -> maxTokens(name, t);
            case "messages" -> {
                requireType(t == JsonToken.START_ARRAY, name, "an array", t);
                messageArray();
            }
            case "input", "prompt" -> inputs(t);
            case "instructions" -> text(t);
            case "system" -> content(t);
            case "tools", "functions", "response_format" -> rawJson(t);
            default -> p.skipChildren();
        }
    }

    private void streamOptions(JsonToken t) throws IOException, BadRequestException {
        optionsPresent = true;
        if (t == JsonToken.VALUE_NULL) {
            optionsNull = true;
            optionsStart = tokenStart();
            optionsEnd = position();
            return;
        }
        requireType(t == JsonToken.START_OBJECT, "stream_options", "an object", t);
        optionsStart = tokenStart();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            optionsEmpty = false;
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (!"include_usage".equals(name)) {
                p.skipChildren();
                continue;
            }
            requireType(v.isBoolean() || v == JsonToken.VALUE_NULL, "stream_options.include_usage", "a boolean", v);
            includeUsage = v == JsonToken.VALUE_TRUE;
            includeUsageStart = tokenStart();
            includeUsageEnd = position();
        }
    }

    private void maxTokens(String name, JsonToken t) throws IOException, BadRequestException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        requireType(t == JsonToken.VALUE_NUMBER_INT, name, "an integer", t);
        long v;
        try {
            v = p.getLongValue();
        } catch (InputCoercionException e) {
            v = -1;
        }
        if (v < 0) {
            throw new BadRequestException(
                    "Invalid '" + name + "': expected an integer between 0 and " + Long.MAX_VALUE + '.', name);
        }
        maxTokens = Math.max(maxTokens, v);
    }

    private void once(int bit, String name) throws BadRequestException {
        if ((seen & (1 << bit)) != 0) {
            throw new BadRequestException("Duplicate key '" + name + "' in the request body.", name);
        }
        seen |= 1 << bit;
    }

    private int editStart() {
        if (includeUsage) {
            return -1;
        }
        if (includeUsageStart >= 0) {
            return includeUsageStart;
        }
        if (optionsPresent) {
            return optionsNull ? optionsStart : optionsStart + 1;
        }
        return rootOpen + 1;
    }

    /** Where the edit ends: a replaced value ends at its end, an insertion where it starts. */
    private int editEnd() {
        if (includeUsage) {
            return -1;
        }
        if (includeUsageStart >= 0) {
            return includeUsageEnd;
        }
        return optionsNull ? optionsEnd : editStart();
    }

    private byte[] editBytes() {
        if (includeUsage) {
            return null;
        }
        if (includeUsageStart >= 0) {
            return TRUE;
        }
        if (optionsPresent) {
            if (optionsNull) {
                return OPTIONS_OBJECT;
            }
            return optionsEmpty ? INSERT_OPTIONS : INSERT_OPTIONS_COMMA;
        }
        return rootEmpty ? INSERT_ROOT : INSERT_ROOT_COMMA;
    }

    private static void requireType(boolean ok, String param, String expected, JsonToken got)
            throws BadRequestException {
        if (!ok) {
            throw new BadRequestException(
                    "Invalid type for '" + param + "': expected " + expected + ", but got " + describe(got)
                            + " instead.",
                    param);
        }
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a decimal";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> "an unexpected value";
        };
    }
}
