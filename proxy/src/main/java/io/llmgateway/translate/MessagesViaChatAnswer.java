package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.Usage;
import java.io.IOException;

/**
 * What a Chat Completions answer's parts mean in a Messages answer, for both answer taps: stop reasons,
 * usage, ids, error types. One instance holds one answer's usage as it is read.
 */
final class MessagesViaChatAnswer {
    long promptTokens = -1;
    long completionTokens = -1;
    long totalTokens = -1;
    long cachedTokens;

    /** Anthropic's {@code stop_reason} for OpenAI's {@code finish_reason}. */
    static String stopReason(String finish, boolean refused) {
        return switch (finish) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> refused ? "refusal" : "end_turn";
        };
    }

    /** A Messages id for a Chat answer's id: Anthropic's prefix, the provider's id after it. */
    static String messageId(String chatId) {
        return chatId.startsWith("msg_") ? chatId : "msg_" + chatId;
    }

    /** A provider's error as Anthropic names it: its error type and the provider's message. */
    record Error(String type, String message) {}

    /** Reads an OpenAI {@code error} object at its START_OBJECT. */
    static Error readError(JsonParser p) throws IOException {
        String type = null;
        String code = null;
        String message = "The provider reported an error.";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_STRING) {
                switch (field) {
                    case "message" -> message = p.getText();
                    case "type" -> type = p.getText();
                    case "code" -> code = p.getText();
                    default -> {
                        // param and the like
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return new Error(errorType(type, code), message);
    }

    /** Anthropic's error type for an OpenAI error's {@code type} and {@code code} (either may be null). */
    static String errorType(String type, String code) {
        String t = (type == null ? "" : type) + " " + (code == null ? "" : code);
        if (t.contains("rate_limit") || t.contains("insufficient_quota")) {
            return "rate_limit_error";
        }
        if (t.contains("overloaded") || t.contains("unavailable")) {
            return "overloaded_error";
        }
        if (t.contains("invalid_request")) {
            return "invalid_request_error";
        }
        if (t.contains("authentication") || t.contains("invalid_api_key")) {
            return "authentication_error";
        }
        if (t.contains("permission")) {
            return "permission_error";
        }
        return "api_error";
    }

    /** Reads a Chat {@code usage} object at its START_OBJECT. */
    void readUsage(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NUMBER_INT) {
                long v = Math.max(0, p.getLongValue());
                switch (name) {
                    case "prompt_tokens" -> promptTokens = v;
                    case "completion_tokens" -> completionTokens = v;
                    case "total_tokens" -> totalTokens = v;
                    default -> {
                        // other counters do not change what is charged
                    }
                }
            } else if (t == JsonToken.START_OBJECT && name.equals("prompt_tokens_details")) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String detail = p.currentName();
                    if (p.nextToken() == JsonToken.VALUE_NUMBER_INT && detail.equals("cached_tokens")) {
                        cachedTokens = Math.max(0, p.getLongValue());
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    /** Whether a usage with counters was read. */
    boolean hasUsage() {
        return promptTokens >= 0 || completionTokens >= 0;
    }

    /**
     * The usage for accounting, or null: OpenAI's prompt count includes the cached tokens, as {@link Usage}'s
     * does, and its total is what OpenAI counts against its limits.
     */
    Usage usage() {
        if (!hasUsage()) {
            return null;
        }
        long prompt = Math.max(promptTokens, 0);
        long completion = Math.max(completionTokens, 0);
        long total = totalTokens >= 0 ? totalTokens : prompt + completion;
        return new Usage(prompt, completion, total, false, 0, Math.min(cachedTokens, prompt));
    }

    /**
     * Writes a Messages {@code usage} object: Anthropic counts cache reads apart from the other input tokens,
     * OpenAI within them. Nothing is ever written to OpenAI's cache in a way it reports, so cache creation is 0.
     *
     * @param outputTokens the output tokens to report when the provider reported none
     */
    void writeUsage(JsonGenerator g, long outputTokens) throws IOException {
        long prompt = Math.max(promptTokens, 0);
        long cached = Math.min(cachedTokens, prompt);
        g.writeObjectFieldStart("usage");
        g.writeNumberField("input_tokens", prompt - cached);
        g.writeNumberField("cache_creation_input_tokens", 0);
        g.writeNumberField("cache_read_input_tokens", cached);
        g.writeNumberField("output_tokens", completionTokens >= 0 ? completionTokens : outputTokens);
        g.writeEndObject();
    }
}
