package io.llmgateway.openai;

import io.llmgateway.protocol.ScannedRequest;
import java.util.List;

/**
 * What the gateway needs from one request body, read once by {@link RequestScanner}: as max tokens the largest
 * of {@code max_tokens}, {@code max_completion_tokens} and {@code max_output_tokens} (-1 when none); as texts
 * every piece of prompt text to count (message contents, input, prompt, instructions, tool JSON); as image
 * parts the {@code image_url} and {@code input_image} parts, whose data is never counted as text; as messages
 * the messages plus Responses input items (each costs a few framing tokens); as extra tokens those sent
 * pre-tokenized (integer arrays in {@code prompt} or {@code input}).
 */
public final class RequestInfo extends ScannedRequest {
    private final boolean clientIncludeUsage;
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
        super(model, modelStart, modelEnd, stream, maxTokens, texts, imageParts, messageCount, extraTokens);
        this.clientIncludeUsage = clientIncludeUsage;
        this.usageEditStart = usageEditStart;
        this.usageEditEnd = usageEditEnd;
        this.usageEditBytes = usageEditBytes;
    }

    /** {@code stream_options.include_usage: true}: the client wants the usage-only chunk. */
    @Override
    public boolean clientIncludeUsage() {
        return clientIncludeUsage;
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
        return "RequestInfo{model=" + model() + ", stream=" + stream() + ", clientIncludeUsage=" + clientIncludeUsage
                + ", maxTokens=" + maxTokens() + ", texts=" + texts().size() + ", textChars=" + textChars()
                + ", imageParts=" + imageParts() + ", messages=" + messageCount() + '}';
    }
}
