package io.llmgateway.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API's JSON: small request bodies read into plain maps and lists (no data binding), responses
 * written with jackson-core's generator, which escapes every string.
 */
final class Json {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(64 * 1024)
                    .build())
            .build();

    /** A malformed body; the message is safe to show. */
    static final class BadJson extends Exception {
        private static final long serialVersionUID = 1L;

        BadJson(String message) {
            super(message, null, false, false);
        }
    }

    /** Writes one JSON value. */
    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private Json() {
    }

    static String write(Writer writer) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to a string", e);
        }
        return out.toString();
    }

    /** Parses a JSON object: maps keep key order, numbers are Long or Double. */
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
            Object value = read(p, t);
            if (p.nextToken() != null) {
                throw new BadJson("unexpected content after the JSON value");
            }
            return value;
        } catch (IOException e) {
            throw new BadJson("malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    private static Object read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    map.put(name, read(p, p.nextToken()));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    list.add(read(p, v));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected " + t);
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
