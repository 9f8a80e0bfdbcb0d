package io.llmgateway.testing;

import static io.llmgateway.testing.MockJson.quote;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Answers of Anthropic's Messages API, exactly as documented, for {@link MockProvider}: a message (JSON) or its
 * stream ({@code message_start}, {@code content_block_start}, {@code ping}, {@code content_block_delta} with
 * {@code text_delta}, {@code input_json_delta}, {@code thinking_delta}, {@code signature_delta},
 * {@code content_block_stop}, {@code message_delta}, {@code message_stop}), and its errors (JSON, with the
 * status, and the stream's {@code event: error}). Immutable: each method returns a copy with one more block or
 * option, so an answer can be kept in a constant and refined per test.
 *
 * <p>Each block's text is given as the deltas it is streamed in; the message holds their concatenation. The
 * answer echoes the request's {@code model}.
 */
public final class AnthropicAnswer {
    private final List<Block> blocks;
    private final long inputTokens;
    private final long outputTokens;
    private final long cacheCreation;
    private final long cacheRead;
    private final String stopReason;

    private AnthropicAnswer(
            List<Block> blocks, long input, long output, long cacheCreation, long cacheRead, String stopReason) {
        this.blocks = List.copyOf(blocks);
        this.inputTokens = input;
        this.outputTokens = output;
        this.cacheCreation = cacheCreation;
        this.cacheRead = cacheRead;
        this.stopReason = stopReason;
    }

    /** A message of one text block streamed as {@code deltas}; usage 10 in, 5 out; {@code end_turn}. */
    public static AnthropicAnswer text(String... deltas) {
        return new AnthropicAnswer(List.of(), 10, 5, 0, 0, "end_turn").withText(deltas);
    }

    /** Adds a text block streamed as {@code deltas}. */
    public AnthropicAnswer withText(String... deltas) {
        return with(new Block("text", null, null, List.of(deltas), null));
    }

    /** Adds a thinking block streamed as {@code deltas}, then its {@code signature} in one signature_delta. */
    public AnthropicAnswer withThinking(String signature, String... deltas) {
        return with(new Block("thinking", null, null, List.of(deltas), requireNonNull(signature, "signature")));
    }

    /**
     * Adds a tool call whose input JSON is streamed as the {@code partialJson} fragments (input_json_delta), and
     * makes {@code tool_use} the stop reason.
     */
    public AnthropicAnswer withToolUse(String id, String name, String... partialJson) {
        AnthropicAnswer a = with(new Block(
                "tool_use", requireNonNull(id, "id"), requireNonNull(name, "name"), List.of(partialJson), null));
        return new AnthropicAnswer(a.blocks, inputTokens, outputTokens, cacheCreation, cacheRead, "tool_use");
    }

    /** The usage reported: input and output tokens. */
    public AnthropicAnswer withUsage(long input, long output) {
        return new AnthropicAnswer(blocks, input, output, cacheCreation, cacheRead, stopReason);
    }

    /** The prompt cache tokens reported: written ({@code cache_creation_input_tokens}) and read. */
    public AnthropicAnswer withCache(long creation, long read) {
        return new AnthropicAnswer(blocks, inputTokens, outputTokens, creation, read, stopReason);
    }

    /** The {@code stop_reason}. */
    public AnthropicAnswer withStopReason(String reason) {
        return new AnthropicAnswer(blocks, inputTokens, outputTokens, cacheCreation, cacheRead, reason);
    }

    private AnthropicAnswer with(Block block) {
        List<Block> more = new ArrayList<>(blocks);
        more.add(block);
        return new AnthropicAnswer(more, inputTokens, outputTokens, cacheCreation, cacheRead, stopReason);
    }

    // ---- as behaviours ----

    /** The message as a JSON answer. */
    public Behaviour json() {
        return Behaviour.rendered(200, this::message);
    }

    /** The message as a stream of events. */
    public Behaviour stream() {
        return Behaviour.renderedEvents(this::events);
    }

    /** {@link #stream()} when the request has {@code "stream":true}, else {@link #json()}. */
    public Behaviour auto() {
        return Behaviour.streamAware(json(), stream());
    }

    /** An error answer: {@code status} with Anthropic's error body of {@code type}. */
    public static Behaviour error(int status, String type, String message) {
        return Behaviour.json(status, errorJson(type, message));
    }

    /** 529 {@code overloaded_error}, as Anthropic answers when it is overloaded. */
    public static Behaviour overloaded() {
        return error(529, "overloaded_error", "Overloaded");
    }

    /** 429 {@code rate_limit_error} with {@code retry-after} and the rate-limit headers Anthropic sends. */
    public static Behaviour rateLimited(long retryAfterSeconds) {
        return error(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit")
                .withHeader("retry-after", Long.toString(retryAfterSeconds))
                .withHeader("anthropic-ratelimit-requests-limit", "50")
                .withHeader("anthropic-ratelimit-requests-remaining", "0")
                .withHeader("anthropic-ratelimit-requests-reset", "2030-01-01T00:00:00Z");
    }

    /** {@code count_tokens}'s answer. */
    public static Behaviour countTokens(long inputTokens) {
        return Behaviour.json(200, "{\"input_tokens\":" + inputTokens + "}");
    }

    /** The {@code event: error} a stream may end with (e.g. {@code overloaded_error}). */
    public static String errorEvent(String type, String message) {
        return event("error", errorJson(type, message));
    }

    /** Anthropic's error body. */
    public static String errorJson(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":" + quote(type) + ",\"message\":" + quote(message)
                + "},\"request_id\":\"req_mock\"}";
    }

    // ---- rendering ----

    /** The message JSON for {@code model}. */
    public String message(String model, long id) {
        StringBuilder content = new StringBuilder();
        for (Block b : blocks) {
            content.append(content.length() == 0 ? "" : ",").append(b.whole());
        }
        return "{\"id\":\"msg_mock" + id + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":" + quote(model)
                + ",\"content\":[" + content + "],\"stop_reason\":" + quote(stopReason)
                + ",\"stop_sequence\":null,\"usage\":" + usage(outputTokens) + "}";
    }

    /** The complete events (each with its blank line) of the message's stream for {@code model}. */
    public List<String> events(String model, long id) {
        List<String> events = new ArrayList<>();
        events.add(event(
                "message_start",
                "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_mock" + id
                        + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":" + quote(model)
                        + ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":" + usage(1) + "}}"));
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            events.add(event(
                    "content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":" + i + ",\"content_block\":" + b.start() + "}"));
            if (i == 0) {
                events.add(event("ping", "{\"type\": \"ping\"}"));
            }
            for (String delta : b.deltas) {
                events.add(delta(i, b.deltaJson(delta)));
            }
            if (b.signature != null) {
                events.add(delta(i, "{\"type\":\"signature_delta\",\"signature\":" + quote(b.signature) + "}"));
            }
            events.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + i + "}"));
        }
        events.add(event(
                "message_delta",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":" + quote(stopReason)
                        + ",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + outputTokens + "}}"));
        events.add(event("message_stop", "{\"type\":\"message_stop\"}"));
        return events;
    }

    private String usage(long output) {
        return "{\"input_tokens\":" + inputTokens + ",\"cache_creation_input_tokens\":" + cacheCreation
                + ",\"cache_read_input_tokens\":" + cacheRead + ",\"output_tokens\":" + output + "}";
    }

    private static String delta(int index, String delta) {
        return event(
                "content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":" + index + ",\"delta\":" + delta + "}");
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    /** One content block: its kind, a tool call's id and name, the deltas of its text, a thinking signature. */
    private record Block(String type, String id, String name, List<String> deltas, String signature) {
        String text() {
            return String.join("", deltas);
        }

        String start() {
            return switch (type) {
                case "text" -> "{\"type\":\"text\",\"text\":\"\"}";
                case "thinking" -> "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}";
                default -> "{\"type\":\"tool_use\",\"id\":" + quote(id) + ",\"name\":" + quote(name) + ",\"input\":{}}";
            };
        }

        String deltaJson(String delta) {
            return switch (type) {
                case "text" -> "{\"type\":\"text_delta\",\"text\":" + quote(delta) + "}";
                case "thinking" -> "{\"type\":\"thinking_delta\",\"thinking\":" + quote(delta) + "}";
                default -> "{\"type\":\"input_json_delta\",\"partial_json\":" + quote(delta) + "}";
            };
        }

        String whole() {
            return switch (type) {
                case "text" -> "{\"type\":\"text\",\"text\":" + quote(text()) + "}";
                case "thinking" ->
                    "{\"type\":\"thinking\",\"thinking\":" + quote(text()) + ",\"signature\":" + quote(signature) + "}";
                default ->
                    "{\"type\":\"tool_use\",\"id\":" + quote(id) + ",\"name\":" + quote(name) + ",\"input\":"
                            + (text().isEmpty() ? "{}" : text()) + "}";
            };
        }
    }
}
