package io.llmgateway.util;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Small JSON documents as plain values, on jackson-core only (the project has no databind): admin
 * requests and responses, the demo provider's requests, test assertions. Never for proxied bodies,
 * which are streamed (see {@code openai.RequestScanner}).
 *
 * <p>Reading gives maps (key order kept), lists, strings, numbers ({@code Long}; {@code BigInteger}
 * beyond a long; {@code Double}), booleans and null. The caller's parser sets the limits (nesting
 * depth, string length): the recursion here is only as deep as the parser lets the document be.
 */
public final class JsonValues {

    /** Writes one JSON value. */
    @FunctionalInterface
    public interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static final JsonFactory WRITING = new JsonFactory();

    private JsonValues() {}

    /** Returns what {@code writer} writes, as a string. */
    public static String write(Writer writer) {
        requireNonNull(writer, "writer");
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = WRITING.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to a string", e);
        }
        return out.toString();
    }

    /**
     * Reads the whole input of {@code p} as exactly one JSON value; throws {@link IOException} when it is
     * empty, malformed or followed by more content.
     */
    public static @Nullable Object readDocument(JsonParser p) throws IOException {
        JsonToken first = p.nextToken();
        if (first == null) {
            throw new IOException("empty document (expected a JSON value)");
        }
        Object value = readValue(p, first);
        if (p.nextToken() != null) {
            throw new IOException("trailing content after the JSON value");
        }
        return value;
    }

    /** Reads the value that starts at {@code t}, the token {@code p} is on. */
    public static @Nullable Object readValue(JsonParser p, JsonToken t) throws IOException {
        requireNonNull(t, "t");
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    map.put(name, readValue(p, p.nextToken()));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    list.add(readValue(p, v));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? p.getBigIntegerValue()
                        : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected token " + t);
        }
    }
}
