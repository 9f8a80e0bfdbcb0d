package io.llmgateway.testing;

/** Request bodies the end-to-end tests send. */
public final class ChatBodies {
    /** A one-message chat completion request for {@code gpt-4o}; tests replace the model name for others. */
    public static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private ChatBodies() {}
}
