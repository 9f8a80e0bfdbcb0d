package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.llmgateway.util.ThreadScratch;
import io.llmgateway.util.Utf8;
import io.llmgateway.protocol.BadRequestException;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an OpenAI request body once, with a streaming parser, into a {@link RequestInfo}.
 *
 * <p>Design notes: only root-level keys matter (a {@code "model"} inside a tool schema is not the
 * model). Values we do not need are skipped without being decoded, so base64 images cost a byte scan
 * and no String. Duplicate {@code model}, {@code stream} or {@code stream_options} keys are rejected:
 * the gateway and the upstream could otherwise read different values (route on one model, run
 * another). UTF-8 is validated up front because Jackson never decodes the values it skips.
 */
public final class RequestScanner {
    /** Deeper bodies are rejected; real requests (tool schemas included) stay far below. */
    static final int MAX_NESTING_DEPTH = 64;
    /**
     * Longest {@code model} accepted, in UTF-8 bytes once its escapes are decoded. The name is kept in the
     * request's record and its log line and echoed in errors, so it is bounded; real names are far shorter.
     */
    public static final int MAX_MODEL_BYTES = 256;
    /** The most bytes a model within {@link #MAX_MODEL_BYTES} takes as sent: six per byte, all escaped. */
    private static final int MAX_MODEL_RAW_BYTES = 6 * MAX_MODEL_BYTES;
    private static final String MODEL_TOO_LONG = "Invalid 'model': string too long. Expected a string with"
            + " maximum length " + MAX_MODEL_BYTES + " bytes.";

    static final String PARSE_ERROR = "We could not parse the JSON body of your request. (HINT: This likely"
            + " means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload,"
            + " but what was sent was not valid JSON.)";

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            // Field names are client-chosen: never String.intern() them.
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    private static final byte[] INSERT_ROOT = "\"stream_options\":{\"include_usage\":true}".getBytes(UTF_8);
    private static final byte[] INSERT_ROOT_COMMA = "\"stream_options\":{\"include_usage\":true},".getBytes(UTF_8);
    private static final byte[] INSERT_OPTIONS = "\"include_usage\":true".getBytes(UTF_8);
    private static final byte[] INSERT_OPTIONS_COMMA = "\"include_usage\":true,".getBytes(UTF_8);
    private static final byte[] OPTIONS_OBJECT = "{\"include_usage\":true}".getBytes(UTF_8);
    private static final byte[] TRUE = "true".getBytes(UTF_8);
    /** A direct body is copied here for the parser; nothing keeps the array once scan returns. */
    private static final ThreadScratch SCRATCH = new ThreadScratch(4096, 64 * 1024);

    private RequestScanner() {
    }

    /**
     * Scans the readable bytes of {@code body} without consuming or releasing it.
     *
     * @throws BadRequestException when the body is not a JSON object or a known field has a bad type
     */
    public static RequestInfo scan(ByteBuf body) throws BadRequestException {
        requireNonNull(body, "body");
        int len = body.readableBytes();
        byte[] array;
        int off;
        if (body.hasArray()) {
            array = body.array();
            off = body.arrayOffset() + body.readerIndex();
        } else {
            array = SCRATCH.copy(body, body.readerIndex(), len);
            off = 0;
        }
        if (!Utf8.isValid(array, off, len)) {
            throw new BadRequestException(PARSE_ERROR, null);
        }
        try (JsonParser p = FACTORY.createParser(array, off, len)) {
            return new Scan(p, array, off, off + len).run();
        } catch (StreamConstraintsException e) {
            throw new BadRequestException("The JSON body of your request is nested too deeply or too large"
                                          + " (max nesting depth " + MAX_NESTING_DEPTH + ").", null);
        } catch (IOException e) {
            throw new BadRequestException(PARSE_ERROR, null);
        }
    }

    /** Mutable state of one scan; never shared. */
    private static final class Scan {
        private final JsonParser p;
        private final byte[] array;
        private final int off;
        private final int end;

        private String model;
        private int modelStart = -1;
        private int modelEnd = -1;
        private boolean stream;
        private long maxTokens = -1;
        private final List<String> texts = new ArrayList<>();
        private int images;
        private int messages;
        private long extraTokens;
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

        Scan(JsonParser p, byte[] array, int off, int end) {
            this.p = p;
            this.array = array;
            this.off = off;
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
            return new RequestInfo(model, modelStart, modelEnd, stream, includeUsage, maxTokens, texts,
                                   images, messages, extraTokens, editStart(), editEnd(), editBytes());
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
                    if (!closesWithin(modelStart, MAX_MODEL_RAW_BYTES)) {
                        throw new BadRequestException(MODEL_TOO_LONG, name, "string_above_max_length");
                    }
                    model = p.getText();
                    if (model.length() > MAX_MODEL_BYTES / 3 && utf8Length(model) > MAX_MODEL_BYTES) {
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
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (p.currentToken() == JsonToken.START_OBJECT) {
                            message();
                        } else {
                            p.skipChildren();
                        }
                    }
                }
                case "input", "prompt" -> inputs(t);
                case "instructions" -> {
                    if (t == JsonToken.VALUE_STRING) {
                        texts.add(p.getText());
                    } else {
                        p.skipChildren();
                    }
                }
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
                requireType(v.isBoolean() || v == JsonToken.VALUE_NULL, "stream_options.include_usage",
                            "a boolean", v);
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
                throw new BadRequestException("Invalid '" + name + "': expected an integer between 0 and "
                                              + Long.MAX_VALUE + '.', name);
            }
            maxTokens = Math.max(maxTokens, v);
        }

        /** A chat message or a Responses input item, at its START_OBJECT. */
        private void message() throws IOException {
            messages++;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "content" -> content(t);
                    case "text", "output", "arguments" -> {
                        if (t == JsonToken.VALUE_STRING) {
                            texts.add(p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "tool_calls", "function_call" -> rawJson(t);
                    default -> p.skipChildren();
                }
            }
        }

        /** A string, or an array of content parts. */
        private void content(JsonToken t) throws IOException {
            if (t == JsonToken.VALUE_STRING) {
                texts.add(p.getText());
                return;
            }
            if (t != JsonToken.START_ARRAY) {
                p.skipChildren();
                return;
            }
            while (p.nextToken() != JsonToken.END_ARRAY) {
                JsonToken e = p.currentToken();
                if (e == JsonToken.START_OBJECT) {
                    part();
                } else if (e == JsonToken.VALUE_STRING) {
                    texts.add(p.getText());
                } else {
                    p.skipChildren();
                }
            }
        }

        private void part() throws IOException {
            boolean image = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "type" -> {
                        if (t == JsonToken.VALUE_STRING) {
                            String type = p.getText();
                            image |= "image_url".equals(type) || "input_image".equals(type);
                        }
                    }
                    case "text" -> {
                        if (t == JsonToken.VALUE_STRING) {
                            texts.add(p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "image_url" -> {
                        image = true;
                        p.skipChildren(); // a data: URL string is skipped unread at the next token
                    }
                    default -> p.skipChildren();
                }
            }
            if (image) {
                images++;
            }
        }

        /** {@code input} / {@code prompt}: a string, or an array of strings, token arrays or items. */
        private void inputs(JsonToken t) throws IOException {
            if (t == JsonToken.VALUE_STRING) {
                texts.add(p.getText());
                return;
            }
            if (t != JsonToken.START_ARRAY) {
                p.skipChildren();
                return;
            }
            while (p.nextToken() != JsonToken.END_ARRAY) {
                switch (p.currentToken()) {
                    case VALUE_STRING -> texts.add(p.getText());
                    case VALUE_NUMBER_INT -> extraTokens++;
                    case START_OBJECT -> message();
                    case START_ARRAY -> {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                                extraTokens++;
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }

        /** Tool definitions are billed as text: count their JSON as written. */
        private void rawJson(JsonToken t) throws IOException {
            if (t != JsonToken.START_ARRAY && t != JsonToken.START_OBJECT) {
                p.skipChildren();
                return;
            }
            int start = tokenStart();
            p.skipChildren();
            int end = position();
            texts.add(new String(array, off + start, end - start, UTF_8));
        }

        private void once(int bit, String name) throws BadRequestException {
            if ((seen & (1 << bit)) != 0) {
                throw new BadRequestException("Duplicate key '" + name + "' in the request body.", name);
            }
            seen |= 1 << bit;
        }

        /**
         * Whether the string whose opening quote is at {@code quote} ends within {@code maxBytes} bytes as
         * sent; reads the raw bytes, stepping over escapes, and stops at the bound. A body that ends inside
         * the string passes: the parser then reports it as malformed.
         */
        private boolean closesWithin(int quote, int maxBytes) {
            int i = off + quote + 1;
            int limit = i + maxBytes; // where the closing quote is at the latest
            while (i < end) {
                byte b = array[i];
                if (b == '"') {
                    return true;
                }
                if (i >= limit) {
                    return false;
                }
                i += b == '\\' ? 2 : 1;
            }
            return true;
        }

        /** UTF-8 length of a decoded string: a surrogate pair is four bytes. */
        private static int utf8Length(String s) {
            int n = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
            }
            return n;
        }

        private int tokenStart() {
            return (int) p.currentTokenLocation().getByteOffset();
        }

        private int position() {
            return (int) p.currentLocation().getByteOffset();
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

        private int editEnd() {
            if (includeUsage) {
                return -1;
            }
            if (includeUsageStart >= 0) {
                return includeUsageEnd;
            }
            if (optionsPresent) {
                return optionsNull ? optionsEnd : optionsStart + 1;
            }
            return rootOpen + 1;
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
                throw new BadRequestException("Invalid type for '" + param + "': expected " + expected
                                              + ", but got " + describe(got) + " instead.", param);
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
}
