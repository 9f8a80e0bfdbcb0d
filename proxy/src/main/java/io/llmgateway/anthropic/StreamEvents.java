package io.llmgateway.anthropic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.AnswerFacts;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reads the JSON of a Messages stream's events: the usage of {@code message_start} (in its {@code message}) and
 * of {@code message_delta}, and the text of a {@code content_block_delta} (text, tool input JSON, thinking).
 * Stateless; what it reads goes to the caller's {@link AnthropicUsage} or consumer.
 */
final class StreamEvents {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    private StreamEvents() {}

    /**
     * Reads the counters of the event's {@code usage} (top level, or in {@code message}) into {@code into}, and,
     * when {@code facts} is not null, the {@code id} and {@code model} of {@code message} ({@code message_start})
     * and the {@code stop_reason} of {@code delta} ({@code message_delta}) into it.
     */
    static void readUsage(byte[] data, int off, int len, AnthropicUsage into, AnswerFacts facts) {
        try (JsonParser p = FACTORY.createParser(data, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("usage".equals(name) && t == JsonToken.START_OBJECT) {
                    counters(p, into);
                } else if ("message".equals(name) && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        JsonToken v = p.nextToken();
                        if (v == JsonToken.START_OBJECT && "usage".equals(field)) {
                            counters(p, into);
                        } else if (facts != null && v == JsonToken.VALUE_STRING && "id".equals(field)) {
                            facts.id(p.getText());
                        } else if (facts != null && v == JsonToken.VALUE_STRING && "model".equals(field)) {
                            facts.model(p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (facts != null && "delta".equals(name) && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        if (p.nextToken() == JsonToken.VALUE_STRING && "stop_reason".equals(field)) {
                            facts.finishReason(p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON we understand: forwarded untouched, just not tapped
        }
    }

    /** Hands the generated text of a {@code content_block_delta}'s {@code delta} to {@code text}. */
    static void readDeltaText(byte[] data, int off, int len, Consumer<String> text) {
        try (JsonParser p = FACTORY.createParser(data, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!"delta".equals(name) || t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken v = p.nextToken();
                    boolean generated =
                            field.equals("text") || field.equals("partial_json") || field.equals("thinking");
                    if (generated && v == JsonToken.VALUE_STRING) {
                        text.accept(p.getText());
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON we understand: not counted
        }
    }

    private static void counters(JsonParser p, AnthropicUsage into) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
                into.accept(name, p.getLongValue());
            } else {
                p.skipChildren();
            }
        }
    }
}
