package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.Usage;
import java.io.IOException;

/**
 * A Messages API answer's usage, as OpenAI reports it. The provider counts the prompt in three parts:
 * {@code input_tokens} (not cached), {@code cache_read_input_tokens} and {@code cache_creation_input_tokens};
 * OpenAI's {@code prompt_tokens} is the whole prompt, cached or not, and {@code prompt_tokens_details
 * .cached_tokens} the part read from the cache. So {@code prompt_tokens} is the sum of the three (reporting
 * {@code input_tokens} alone would make a cached prompt look almost free), {@code completion_tokens} is
 * {@code output_tokens}. Streams report counts in {@code message_start} and cumulative ones in
 * {@code message_delta}: a later count replaces an earlier one.
 */
final class ChatViaMessagesUsage {
    private long input = -1;
    private long output = -1;
    private long cacheRead = -1;
    private long cacheCreation = -1;

    /** Reads a usage object; {@code p} is on its START_OBJECT. Counters it lacks keep their value. */
    void read(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (t != JsonToken.VALUE_NUMBER_INT) {
                p.skipChildren();
                continue;
            }
            long v = Math.max(0, p.getLongValue());
            switch (name) {
                case "input_tokens" -> input = v;
                case "output_tokens" -> output = v;
                case "cache_read_input_tokens" -> cacheRead = v;
                case "cache_creation_input_tokens" -> cacheCreation = v;
                default -> {
                    // server tool counts and the like do not change the token counts
                }
            }
        }
    }

    /** Whether any counter was read. */
    boolean any() {
        return input >= 0 || output >= 0 || cacheRead >= 0 || cacheCreation >= 0;
    }

    long promptTokens() {
        return Math.max(0, input) + Math.max(0, cacheRead) + Math.max(0, cacheCreation);
    }

    long completionTokens() {
        return Math.max(0, output);
    }

    /**
     * The usage for accounting, or null when none was read: its total, what counts against the provider's token
     * limits, leaves cache reads out, as the provider's limits do.
     */
    Usage usage() {
        if (!any()) {
            return null;
        }
        long limited = Math.max(0, input) + Math.max(0, cacheCreation) + completionTokens();
        return new Usage(
                promptTokens(), completionTokens(), limited, false, Math.max(0, cacheCreation), Math.max(0, cacheRead));
    }

    /** Writes {@code "usage": {...}} in OpenAI's shape. */
    void write(JsonGenerator g) throws IOException {
        long prompt = promptTokens();
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", prompt);
        g.writeNumberField("completion_tokens", completionTokens());
        g.writeNumberField("total_tokens", prompt + completionTokens());
        g.writeObjectFieldStart("prompt_tokens_details");
        g.writeNumberField("cached_tokens", Math.max(0, cacheRead));
        g.writeEndObject();
        g.writeEndObject();
    }
}
