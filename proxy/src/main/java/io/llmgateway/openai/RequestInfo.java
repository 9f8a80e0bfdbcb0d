package io.llmgateway.openai;

import io.llmgateway.protocol.RequestFacts;
import java.util.List;

/**
 * What the gateway needs from one request body, read once by {@link RequestScanner}. Offsets are
 * byte positions relative to the body's {@code readerIndex()} at scan time.
 */
public final class RequestInfo implements RequestFacts {
    private final String model;
    private final int modelStart;
    private final int modelEnd;
    private final boolean stream;
    private final boolean clientIncludeUsage;
    private final long maxTokens;
    private final List<String> texts;
    private final long textChars;
    private final int imageParts;
    private final int messageCount;
    private final long extraTokens;
    // The one splice that makes stream_options.include_usage true; start < 0 when none is needed.
    private final int usageEditStart;
    private final int usageEditEnd;
    private final byte[] usageEditBytes;

    RequestInfo(
            String model,
            int modelStart,
            int modelEnd,
            boolean stream,
            boolean clientIncludeUsage,
            long maxTokens,
            List<String> texts,
            int imageParts,
            int messageCount,
            long extraTokens,
            int usageEditStart,
            int usageEditEnd,
            byte[] usageEditBytes) {
        this.model = model;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.stream = stream;
        this.clientIncludeUsage = clientIncludeUsage;
        this.maxTokens = maxTokens;
        this.texts = List.copyOf(texts);
        long chars = 0;
        for (String t : this.texts) {
            chars += t.length();
        }
        this.textChars = chars;
        this.imageParts = imageParts;
        this.messageCount = messageCount;
        this.extraTokens = extraTokens;
        this.usageEditStart = usageEditStart;
        this.usageEditEnd = usageEditEnd;
        this.usageEditBytes = usageEditBytes;
    }

    /** The {@code model} the client asked for (never empty). */
    public String model() {
        return model;
    }

    /** Offset of the opening quote of the model value. */
    public int modelStart() {
        return modelStart;
    }

    /** Offset just after the closing quote of the model value. */
    public int modelEnd() {
        return modelEnd;
    }

    /** {@code stream: true}. */
    public boolean stream() {
        return stream;
    }

    /** {@code stream_options.include_usage: true}: the client wants the usage-only chunk. */
    public boolean clientIncludeUsage() {
        return clientIncludeUsage;
    }

    /** {@code max_tokens}, {@code max_completion_tokens} or {@code max_output_tokens} (largest), or -1. */
    @Override
    public long maxTokens() {
        return maxTokens;
    }

    /** Every piece of prompt text to count (message contents, input, prompt, instructions, tool JSON). */
    @Override
    public List<String> texts() {
        return texts;
    }

    /** Sum of the lengths of {@link #texts()}, in chars. */
    @Override
    public long textChars() {
        return textChars;
    }

    /** Image content parts (image_url / input_image); their data is never counted as text. */
    @Override
    public int imageParts() {
        return imageParts;
    }

    /** Messages plus Responses input items: each costs a few framing tokens. */
    @Override
    public int messageCount() {
        return messageCount;
    }

    /** Tokens sent pre-tokenized (integer arrays in {@code prompt} or {@code input}). */
    @Override
    public long extraTokens() {
        return extraTokens;
    }

    int usageEditStart() {
        return usageEditStart;
    }

    int usageEditEnd() {
        return usageEditEnd;
    }

    byte[] usageEditBytes() {
        return usageEditBytes;
    }

    @Override
    public String toString() {
        // Prompt text stays out of logs.
        return "RequestInfo{model=" + model + ", stream=" + stream + ", clientIncludeUsage=" + clientIncludeUsage
                + ", maxTokens=" + maxTokens + ", texts=" + texts.size() + ", textChars=" + textChars
                + ", imageParts=" + imageParts + ", messages=" + messageCount + '}';
    }
}
