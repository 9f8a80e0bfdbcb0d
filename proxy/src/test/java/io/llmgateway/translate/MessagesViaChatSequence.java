package io.llmgateway.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.llmgateway.testing.TestJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a translated Anthropic event stream as a client would: checks that it is a valid Messages stream
 * (event names match their data's type, message_start first, blocks started, filled and stopped one at a
 * time with indexes 0, 1, 2 ..., message_delta then message_stop last) and accumulates the message (block
 * texts, tool inputs from their partial_json, stop reason, usage).
 */
final class MessagesViaChatSequence {
    record Event(String name, Map<String, Object> data) {}

    final List<Event> events = new ArrayList<>();
    final List<Map<String, Object>> blocks = new ArrayList<>();
    Map<String, Object> messageStart;
    Map<String, Object> messageDelta;
    Map<String, Object> error;
    boolean stopped;

    /** Parses {@code sse} (complete events) and checks and accumulates it. */
    static MessagesViaChatSequence of(String sse) {
        MessagesViaChatSequence s = new MessagesViaChatSequence();
        assertTrue(sse.isEmpty() || sse.endsWith("\n\n"), "ends with a complete event: " + sse);
        for (String raw : sse.split("\n\n")) {
            if (raw.isEmpty()) {
                continue;
            }
            String[] lines = raw.split("\n");
            assertEquals(2, lines.length, "an event is an event line and a data line: " + raw);
            assertTrue(lines[0].startsWith("event: "), raw);
            assertTrue(lines[1].startsWith("data: "), raw);
            String name = lines[0].substring(7);
            Map<String, Object> data = TestJson.parseObject(lines[1].substring(6));
            assertEquals(name, data.get("type"), "the event name is its data's type: " + raw);
            s.events.add(new Event(name, data));
            s.accept(name, data);
        }
        return s;
    }

    private int open = -1;

    @SuppressWarnings("unchecked")
    private void accept(String name, Map<String, Object> data) {
        assertFalse(stopped, "nothing after message_stop: " + name);
        assertNull(error, "nothing after an error: " + name);
        if (!name.equals("message_start") && !name.equals("error")) {
            assertNotNull(messageStart, "message_start comes first, not " + name);
        }
        switch (name) {
            case "message_start" -> {
                assertNull(messageStart, "one message_start");
                messageStart = (Map<String, Object>) data.get("message");
                assertEquals("message", messageStart.get("type"));
                assertEquals("assistant", messageStart.get("role"));
                assertEquals(List.of(), messageStart.get("content"));
                assertTrue(((String) messageStart.get("id")).startsWith("msg_"));
            }
            case "content_block_start" -> {
                assertEquals(-1, open, "the previous block is stopped before the next starts");
                int index = ((Long) data.get("index")).intValue();
                assertEquals(blocks.size(), index, "block indexes are 0, 1, 2 ...");
                open = index;
                blocks.add(new LinkedHashMap<>((Map<String, Object>) data.get("content_block")));
                if ("tool_use".equals(blocks.get(index).get("type"))) {
                    assertEquals(Map.of(), blocks.get(index).get("input"));
                    blocks.get(index).put("partial_json", "");
                }
            }
            case "content_block_delta" -> {
                int index = ((Long) data.get("index")).intValue();
                assertEquals(open, index, "deltas go to the open block");
                Map<String, Object> delta = (Map<String, Object>) data.get("delta");
                Map<String, Object> block = blocks.get(index);
                String field = switch ((String) delta.get("type")) {
                    case "text_delta" -> "text";
                    case "thinking_delta" -> "thinking";
                    case "input_json_delta" -> "partial_json";
                    default -> throw new AssertionError("unknown delta " + delta);
                };
                assertTrue(block.containsKey(field), "a " + delta.get("type") + " fits its block " + block);
                block.put(field, block.get(field) + (String) delta.get(field));
            }
            case "content_block_stop" -> {
                assertEquals(open, ((Long) data.get("index")).intValue(), "the open block stops");
                open = -1;
            }
            case "message_delta" -> {
                assertEquals(-1, open, "every block is stopped before message_delta");
                assertNull(messageDelta, "one message_delta");
                messageDelta = data;
            }
            case "message_stop" -> {
                assertNotNull(messageDelta, "message_delta before message_stop");
                stopped = true;
            }
            case "error" -> error = (Map<String, Object>) data.get("error");
            default -> fail("unknown event " + name);
        }
    }

    /** Checks that the stream ended as a complete message. */
    MessagesViaChatSequence complete() {
        assertTrue(stopped, "the stream ends with message_stop: " + events);
        return this;
    }

    Object stopReason() {
        return TestJson.at(messageDelta, "delta", "stop_reason");
    }

    Object usage(String counter) {
        return TestJson.at(messageDelta, "usage", counter);
    }

    /** A tool_use block's input, parsed from its accumulated partial_json. */
    Object toolInput(int block) {
        return TestJson.parse((String) blocks.get(block).get("partial_json"));
    }

    long count(String eventName) {
        return events.stream().filter(e -> e.name().equals(eventName)).count();
    }
}
