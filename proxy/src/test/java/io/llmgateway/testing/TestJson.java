package io.llmgateway.testing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.llmgateway.util.JsonValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON into plain maps, lists, strings, numbers (Long, BigInteger beyond a long, Double), booleans and null, for
 * assertions in tests (the project has no databind; the reading is main code's {@link JsonValues}).
 */
public final class TestJson {

    // A repeated key is a bug in what the gateway writes (e.g. a rewritten body), never a test's intent.
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private TestJson() {}

    /** Parses one complete JSON document; trailing content and a repeated key in an object are errors. */
    public static Object parse(String json) {
        requireNonNull(json, "json");
        try (JsonParser p = JSON.createParser(json)) {
            return JsonValues.readDocument(p);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    /** {@link #parse} for a document that must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String json) {
        if (parse(json) instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException("not a JSON object: " + json);
    }

    /**
     * Walks {@code root} along {@code path} (String keys for objects, Integer indexes for arrays).
     * Throws {@link IllegalArgumentException} when a step does not exist.
     */
    public static Object at(Object root, Object... path) {
        Object node = root;
        for (Object step : path) {
            if (step instanceof String key && node instanceof Map<?, ?> map && map.containsKey(key)) {
                node = map.get(key);
            } else if (step instanceof Integer index && node instanceof List<?> list && index < list.size()) {
                node = list.get(index);
            } else {
                throw new IllegalArgumentException("no " + step + " in " + node);
            }
        }
        return node;
    }
}
