package io.llmgateway.anthropic;

import io.llmgateway.protocol.RequestFacts;
import java.util.List;

/**
 * What the gateway needs from one Messages request body ({@code POST /v1/messages} or its
 * {@code count_tokens}), read once by {@link MessagesScanner}. Offsets are byte positions relative to the
 * body's {@code readerIndex()} at scan time.
 */
public final class MessagesRequest implements RequestFacts {
    private final String model;
    private final int modelStart;
    private final int modelEnd;
    private final boolean stream;
    private final long maxTokens;
    private final List<String> texts;
    private final long textChars;
    private final int imageParts;
    private final int messageCount;

    MessagesRequest(
            String model,
            int modelStart,
            int modelEnd,
            boolean stream,
            long maxTokens,
            List<String> texts,
            int imageParts,
            int messageCount) {
        this.model = model;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.stream = stream;
        this.maxTokens = maxTokens;
        this.texts = List.copyOf(texts);
        long chars = 0;
        for (String t : this.texts) {
            chars += t.length();
        }
        this.textChars = chars;
        this.imageParts = imageParts;
        this.messageCount = messageCount;
    }

    @Override
    public String model() {
        return model;
    }

    /** Offset of the opening quote of the model value. */
    int modelStart() {
        return modelStart;
    }

    /** Offset just after the closing quote of the model value. */
    int modelEnd() {
        return modelEnd;
    }

    @Override
    public boolean stream() {
        return stream;
    }

    /** True: a Messages answer always reports its usage, streamed or not. */
    @Override
    public boolean clientIncludeUsage() {
        return true;
    }

    /** {@code max_tokens}, or -1 (a count_tokens request has none). */
    @Override
    public long maxTokens() {
        return maxTokens;
    }

    /** System text, message text, tool calls, results and definitions, thinking. */
    @Override
    public List<String> texts() {
        return texts;
    }

    @Override
    public long textChars() {
        return textChars;
    }

    /** Image and document blocks; their data is never counted as text. */
    @Override
    public int imageParts() {
        return imageParts;
    }

    @Override
    public int messageCount() {
        return messageCount;
    }

    /** None: the Messages API takes no pre-tokenized input. */
    @Override
    public long extraTokens() {
        return 0;
    }

    @Override
    public String toString() {
        // Prompt text stays out of logs.
        return "MessagesRequest{model=" + model + ", stream=" + stream + ", maxTokens=" + maxTokens + ", texts="
                + texts.size() + ", textChars=" + textChars + ", imageParts=" + imageParts + ", messages="
                + messageCount + '}';
    }
}
