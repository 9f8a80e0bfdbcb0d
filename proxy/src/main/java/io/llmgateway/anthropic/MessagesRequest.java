package io.llmgateway.anthropic;

import io.llmgateway.protocol.ScannedRequest;
import java.util.List;

/**
 * What the gateway needs from one Messages request body ({@code POST /v1/messages} or its
 * {@code count_tokens}), read once by {@link MessagesScanner}: {@code max_tokens} (-1 for a count_tokens
 * request, which has none); as texts the system text, message text, tool calls, results and definitions and
 * thinking; as image parts the image and document blocks, whose data is never counted as text; no extra tokens,
 * since the Messages API takes no pre-tokenized input.
 */
public final class MessagesRequest extends ScannedRequest {
    MessagesRequest(
            String model,
            int modelStart,
            int modelEnd,
            boolean stream,
            long maxTokens,
            List<String> texts,
            int imageParts,
            int messageCount) {
        super(model, modelStart, modelEnd, stream, maxTokens, texts, imageParts, messageCount, 0);
    }

    /** True: a Messages answer always reports its usage, streamed or not. */
    @Override
    public boolean clientIncludeUsage() {
        return true;
    }

    @Override
    public String toString() {
        // Prompt text stays out of logs.
        return "MessagesRequest{model=" + model() + ", stream=" + stream() + ", maxTokens=" + maxTokens()
                + ", texts=" + texts().size() + ", textChars=" + textChars() + ", imageParts=" + imageParts()
                + ", messages=" + messageCount() + '}';
    }
}
