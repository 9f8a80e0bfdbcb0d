package io.llmgateway.protocol;

import java.util.List;

/**
 * The facts a client dialect's scanner reads from a request body in one pass, whatever its wire format: the
 * model and where its value lies (to splice in the provider's alias), and the inputs of the token estimate.
 * Offsets are byte positions relative to the body's {@code readerIndex()} at scan time.
 */
public abstract class ScannedRequest implements RequestFacts {
    private final String model;
    private final int modelStart;
    private final int modelEnd;
    private final boolean stream;
    private final long maxTokens;
    private final List<String> texts;
    private final long textChars;
    private final int imageParts;
    private final int messageCount;
    private final long extraTokens;

    protected ScannedRequest(
            String model,
            int modelStart,
            int modelEnd,
            boolean stream,
            long maxTokens,
            List<String> texts,
            int imageParts,
            int messageCount,
            long extraTokens) {
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
        this.extraTokens = extraTokens;
    }

    @Override
    public final String model() {
        return model;
    }

    /** Offset of the opening quote of the model value. */
    public final int modelStart() {
        return modelStart;
    }

    /** Offset just after the closing quote of the model value. */
    public final int modelEnd() {
        return modelEnd;
    }

    @Override
    public final boolean stream() {
        return stream;
    }

    @Override
    public final long maxTokens() {
        return maxTokens;
    }

    @Override
    public final List<String> texts() {
        return texts;
    }

    @Override
    public final long textChars() {
        return textChars;
    }

    @Override
    public final int imageParts() {
        return imageParts;
    }

    @Override
    public final int messageCount() {
        return messageCount;
    }

    @Override
    public final long extraTokens() {
        return extraTokens;
    }
}
