package io.llmgateway.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.llmgateway.util.JsonValues;
import java.io.IOException;
import java.util.Map;

/**
 * The admin API's JSON on top of {@link JsonValues}: request bodies read with the admin's limits and
 * messages a client can act on, and the field conventions of its responses (written with
 * {@link JsonValues#write}, jackson-core's generator, which escapes every string).
 */
final class Json {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(32)
                    .maxStringLength(64 * 1024)
                    .build())
            .build();

    /** A malformed body; the message is safe to show. */
    static final class BadJson extends Exception {
        private static final long serialVersionUID = 1L;

        BadJson(String message) {
            super(message, null, false, false);
        }
    }

    private Json() {}

    /** Parses a JSON object: maps keep key order, numbers are Long (BigInteger beyond) or Double. */
    static Map<String, Object> parseObject(String text) throws BadJson {
        Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new BadJson("the request body must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        return map;
    }

    static Object parse(String text) throws BadJson {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new BadJson("the request body is empty (expected a JSON object)");
            }
            Object value = JsonValues.readValue(p, t);
            if (p.nextToken() != null) {
                throw new BadJson("unexpected content after the JSON value");
            }
            return value;
        } catch (IOException e) {
            throw new BadJson("malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** {@code "key": value} with a null value written as JSON null. */
    static void field(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, value);
        }
    }

    /** A limit: null when unlimited. */
    static void limit(JsonGenerator g, String name, long value) throws IOException {
        if (value == Long.MAX_VALUE) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value);
        }
    }
}
