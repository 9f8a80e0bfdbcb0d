package io.llmgateway.translate;

/**
 * One streamed Chat tool call on its way to becoming a Messages {@code tool_use} block: its id, name, the
 * argument fragments held while another block is open, and whether the arguments seen so far form a whole
 * JSON value (a call whose arguments are whole gets no more fragments, so its block may be closed).
 */
final class MessagesViaChatToolCall {
    /** The call's {@code index} in the Chat stream. */
    final int chatIndex;

    String id;
    String name;
    /** Its content block index once its block is open, else -1. */
    int block = -1;

    boolean closed;
    /** Fragments that arrived before its block opened. */
    final StringBuilder held = new StringBuilder();

    private int depth;
    private boolean begun;
    private boolean inString;
    private boolean escaped;

    MessagesViaChatToolCall(int chatIndex) {
        this.chatIndex = chatIndex;
    }

    boolean open() {
        return block >= 0 && !closed;
    }

    /** Follows the JSON structure of an argument fragment. */
    void scan(char[] c, int off, int len) {
        for (int i = off; i < off + len; i++) {
            char ch = c[i];
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (ch == '\\') {
                    escaped = true;
                } else if (ch == '"') {
                    inString = false;
                }
                continue;
            }
            switch (ch) {
                case '"' -> {
                    inString = true;
                    begun = true;
                }
                case '{', '[' -> {
                    depth++;
                    begun = true;
                }
                case '}', ']' -> depth--;
                case ' ', '\t', '\r', '\n' -> {
                    // whitespace
                }
                default -> begun = true;
            }
        }
    }

    /** Whether the arguments seen so far are a whole JSON value. */
    boolean whole() {
        return begun && depth <= 0 && !inString;
    }
}
