package io.llmgateway.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The few request fields the mock's answers depend on, read with a streaming parser so that a
 * {@code "include_usage"} inside a message text can never be mistaken for the real option.
 * An unreadable body yields the defaults: the mock answers whatever it is told to.
 */
record RequestFacts(String model, boolean stream, boolean includeUsage, int inputCount) {

    static final String DEFAULT_MODEL = "mock-model";
    private static final JsonFactory JSON = new JsonFactory();

    static RequestFacts parse(String body) {
        String model = DEFAULT_MODEL;
        boolean stream = false;
        boolean includeUsage = false;
        int inputCount = 1;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new RequestFacts(model, false, false, 1);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "model" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            model = p.getText();
                        }
                    }
                    case "stream" -> stream = value == JsonToken.VALUE_TRUE;
                    case "stream_options" -> includeUsage = readIncludeUsage(p, value);
                    case "input" -> inputCount = countInputs(p, value);
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            // Keep what was read so far; a broken body is a legitimate thing to send to the mock.
        }
        return new RequestFacts(model, stream, includeUsage, inputCount);
    }

    private static boolean readIncludeUsage(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return false;
        }
        boolean include = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if ("include_usage".equals(field)) {
                include = v == JsonToken.VALUE_TRUE;
            }
            p.skipChildren();
        }
        return include;
    }

    /** Embeddings: one vector per string or per token array; a flat token array is one input. */
    private static int countInputs(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return 1;
        }
        int count = 0;
        boolean tokens = false;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            if (t == JsonToken.VALUE_NUMBER_INT) {
                tokens = true;
            }
            count++;
            p.skipChildren();
        }
        return tokens ? 1 : Math.max(count, 1);
    }
}
