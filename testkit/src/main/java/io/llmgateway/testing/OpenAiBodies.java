package io.llmgateway.testing;

import static io.llmgateway.testing.MockJson.quote;

import java.util.ArrayList;
import java.util.List;

/** The OpenAI-shaped bodies {@link Behaviour} renders: chat completions, their chunks, embeddings, errors. */
final class OpenAiBodies {
    private OpenAiBodies() {}

    static String chatCompletion(long id, String model, String content, long promptTokens, long completionTokens) {
        return "{\"id\":\"chatcmpl-mock-" + id + "\",\"object\":\"chat.completion\",\"created\":" + Behaviour.CREATED
                + ",\"model\":" + quote(model)
                + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + quote(content) + ",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":" + usage(promptTokens, completionTokens)
                + ",\"system_fingerprint\":\"fp_mock\"}";
    }

    /**
     * The complete events (with their terminating blank line) of a streamed chat completion.
     *
     * @param usage whether the usage chunk comes (the client asked for it and the behaviour does not suppress it)
     */
    static List<String> chunkEvents(
            long id,
            String model,
            List<String> deltas,
            boolean usage,
            long promptTokens,
            long completionTokens,
            boolean crlf) {
        String eol = crlf ? "\r\n" : "\n";
        // OpenAI adds "usage":null to every chunk when the client asked for usage.
        String tail = usage ? ",\"usage\":null}" : "}";
        String head = "{\"id\":\"chatcmpl-mock-" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                + Behaviour.CREATED + ",\"model\":" + quote(model) + ",\"system_fingerprint\":\"fp_mock\",\"choices\":";
        List<String> events = new ArrayList<>(deltas.size() + 4);
        events.add(
                event(head + choice("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null") + tail, eol));
        for (String delta : deltas) {
            events.add(event(head + choice("{\"content\":" + quote(delta) + "}", "null") + tail, eol));
        }
        events.add(event(head + choice("{}", "\"stop\"") + tail, eol));
        if (usage) {
            events.add(event(head + "[],\"usage\":" + usage(promptTokens, completionTokens) + "}", eol));
        }
        events.add(event("[DONE]", eol));
        return events;
    }

    static String errorBody(String message, String type, String code) {
        return "{\"error\":{\"message\":" + quote(message) + ",\"type\":" + quote(type) + ",\"param\":null,\"code\":"
                + quote(code) + "}}";
    }

    private static String event(String data, String eol) {
        return "data: " + data + eol + eol;
    }

    private static String choice(String delta, String finishReason) {
        return "[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finishReason + "}]";
    }

    private static String usage(long prompt, long completion) {
        return "{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion)
                + ",\"prompt_tokens_details\":{\"cached_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}";
    }

    static String embeddings(String model, int inputCount, int dimensions, long promptTokens) {
        StringBuilder b = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < inputCount; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"object\":\"embedding\",\"index\":").append(i).append(",\"embedding\":[");
            for (int d = 0; d < dimensions; d++) {
                if (d > 0) {
                    b.append(',');
                }
                b.append((i + 1) * 0.01f + d * 0.001f);
            }
            b.append("]}");
        }
        return b.append("],\"model\":")
                .append(quote(model))
                .append(",\"usage\":{\"prompt_tokens\":")
                .append(promptTokens)
                .append(",\"total_tokens\":")
                .append(promptTokens)
                .append("}}")
                .toString();
    }
}
