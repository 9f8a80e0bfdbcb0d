package io.llmgateway.demo;

import static io.llmgateway.util.JsonStrings.quote;

import java.util.ArrayList;
import java.util.List;

/** The demo's answers in Anthropic's Messages format: a message, its stream of events, an error. */
final class DemoMessages {

    private DemoMessages() {}

    static String message(String id, String model, String text, long input, long output) {
        return "{\"id\":" + quote(id) + ",\"type\":\"message\",\"role\":\"assistant\",\"model\":" + quote(model)
                + ",\"content\":[{\"type\":\"text\",\"text\":" + quote(text)
                + "}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":" + usage(input, output) + "}";
    }

    /** The stream of {@code tokens} as Anthropic sends it, each event complete with its blank line. */
    static List<String> events(String id, String model, List<String> tokens, long input) {
        List<String> events = new ArrayList<>(tokens.size() + 6);
        events.add(event(
                "message_start",
                "{\"type\":\"message_start\",\"message\":{\"id\":" + quote(id)
                        + ",\"type\":\"message\",\"role\":\"assistant\",\"model\":" + quote(model)
                        + ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":" + usage(input, 1)
                        + "}}"));
        events.add(event(
                "content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        events.add(event("ping", "{\"type\":\"ping\"}"));
        for (String token : tokens) {
            events.add(event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
                            + quote(token) + "}}"));
        }
        events.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        events.add(event(
                "message_delta",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                        + "\"usage\":{\"output_tokens\":" + tokens.size() + "}}"));
        events.add(event("message_stop", "{\"type\":\"message_stop\"}"));
        return events;
    }

    static String countTokens(long input) {
        return "{\"input_tokens\":" + input + "}";
    }

    static String error(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":" + quote(type) + ",\"message\":" + quote(message) + "}}";
    }

    private static String usage(long input, long output) {
        return "{\"input_tokens\":" + input + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
                + "\"output_tokens\":" + output + "}";
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }
}
