package io.llmgateway.demo;

import static io.llmgateway.util.JsonStrings.quote;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** The OpenAI-shaped JSON documents the demo answers with, built as strings (no databind). */
final class DemoBodies {

    private DemoBodies() {}

    static String chatCompletion(String id, long created, String model, String content, long prompt, long completion) {
        return "{\"id\":" + quote(id) + ",\"object\":\"chat.completion\",\"created\":" + created
                + ",\"model\":" + quote(model)
                + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + quote(content)
                + ",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":" + usage(prompt, completion) + ",\"system_fingerprint\":null}";
    }

    /**
     * One {@code chat.completion.chunk}. {@code delta} is a JSON object; {@code finishReason} may be
     * null. Like OpenAI, every chunk carries {@code "usage":null} when the client asked for usage.
     */
    static String chatChunk(
            String id, long created, String model, String delta, String finishReason, boolean usageAsked) {
        return chunkHead(id, created, model, "chat.completion.chunk")
                + "[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + quote(finishReason)
                + "}]" + (usageAsked ? ",\"usage\":null}" : "}");
    }

    /** The usage-only chunk: empty {@code choices}, sent last, and only when the client asked for it. */
    static String usageChunk(String id, long created, String model, String object, long prompt, long completion) {
        return chunkHead(id, created, model, object) + "[],\"usage\":" + usage(prompt, completion) + "}";
    }

    static String completion(String id, long created, String model, String text, long prompt, long completion) {
        return "{\"id\":" + quote(id) + ",\"object\":\"text_completion\",\"created\":" + created
                + ",\"model\":" + quote(model) + ",\"choices\":[{\"text\":" + quote(text)
                + ",\"index\":0,\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":" + usage(prompt, completion)
                + "}";
    }

    static String completionChunk(
            String id, long created, String model, String text, String finishReason, boolean usageAsked) {
        return chunkHead(id, created, model, "text_completion")
                + "[{\"text\":" + quote(text) + ",\"index\":0,\"logprobs\":null,\"finish_reason\":"
                + quote(finishReason) + "}]" + (usageAsked ? ",\"usage\":null}" : "}");
    }

    static String embeddings(String model, List<float[]> vectors, boolean base64, long promptTokens) {
        StringBuilder b = new StringBuilder(64 + vectors.size() * 128).append("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < vectors.size(); i++) {
            b.append(i == 0 ? "" : ",")
                    .append("{\"object\":\"embedding\",\"index\":")
                    .append(i)
                    .append(",\"embedding\":");
            float[] vector = vectors.get(i);
            if (base64) {
                // The SDKs decode little-endian float32 when they asked for base64.
                ByteBuffer bytes =
                        ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : vector) {
                    bytes.putFloat(f);
                }
                b.append('"')
                        .append(Base64.getEncoder().encodeToString(bytes.array()))
                        .append('"');
            } else {
                b.append('[');
                for (int d = 0; d < vector.length; d++) {
                    b.append(d == 0 ? "" : ",").append(vector[d]);
                }
                b.append(']');
            }
            b.append('}');
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

    static String response(String id, long created, String model, String text, long input, long output) {
        return "{\"id\":" + quote(id) + ",\"object\":\"response\",\"created_at\":" + created
                + ",\"status\":\"completed\",\"error\":null,\"incomplete_details\":null,\"instructions\":null,"
                + "\"max_output_tokens\":null,\"model\":" + quote(model) + ",\"output\":[{\"type\":\"message\",\"id\":"
                + quote("msg_" + id.substring(id.indexOf('_') + 1))
                + ",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":"
                + quote(text) + ",\"annotations\":[]}]}],\"parallel_tool_calls\":true,\"previous_response_id\":null,"
                + "\"temperature\":1.0,\"tool_choice\":\"auto\",\"tools\":[],\"top_p\":1.0,\"metadata\":{},"
                + "\"usage\":{\"input_tokens\":" + input + ",\"input_tokens_details\":{\"cached_tokens\":0},"
                + "\"output_tokens\":" + output + ",\"output_tokens_details\":{\"reasoning_tokens\":0},"
                + "\"total_tokens\":" + (input + output) + "}}";
    }

    static String models(List<String> ids, long created) {
        StringBuilder b = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < ids.size(); i++) {
            b.append(i == 0 ? "" : ",")
                    .append("{\"id\":")
                    .append(quote(ids.get(i)))
                    .append(",\"object\":\"model\",\"created\":")
                    .append(created)
                    .append(",\"owned_by\":\"llm-gateway\"}");
        }
        return b.append("]}").toString();
    }

    static String error(String message, String type, String param, String code) {
        return "{\"error\":{\"message\":" + quote(message) + ",\"type\":" + quote(type) + ",\"param\":" + quote(param)
                + ",\"code\":" + quote(code) + "}}";
    }

    /** A unit-length vector derived only from {@code text}: same input, same vector, on every run. */
    static float[] vector(String text, int dimensions) {
        long h = 0xcbf29ce484222325L; // FNV-1a
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        float[] v = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            h += 0x9e3779b97f4a7c15L; // SplitMix64
            long z = h;
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            z ^= z >>> 31;
            v[i] = (float) ((z >>> 11) * 0x1.0p-53 * 2 - 1);
            norm += v[i] * v[i];
        }
        float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            v[i] *= scale;
        }
        return v;
    }

    private static String chunkHead(String id, long created, String model, String object) {
        return "{\"id\":" + quote(id) + ",\"object\":\"" + object + "\",\"created\":" + created + ",\"model\":"
                + quote(model) + ",\"system_fingerprint\":null,\"choices\":";
    }

    private static String usage(long prompt, long completion) {
        return "{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":"
                + (prompt + completion) + "}";
    }
}
