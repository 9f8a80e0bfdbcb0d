package io.llmgateway.cache;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parts of an Anthropic message answer that the replay writes, as MessageReader fills them in. */
final class MessageAnswer {
    String id;
    String model;
    final List<Block> blocks = new ArrayList<>();
    String stopReason = "null"; // raw JSON
    String stopSequence = "null";
    final Map<String, String> usage = new LinkedHashMap<>(); // raw values
    boolean stopped;

    /** A content block: text, tool_use, thinking or redacted_thinking. */
    static final class Block {
        String type;
        final StringBuilder text = new StringBuilder(); // text, or thinking
        String signature;
        String id;
        String name;
        StringBuilder input; // raw JSON, or its pieces
        String raw; // the whole block, for redacted_thinking
    }
}
