package io.llmgateway.observe;

/**
 * Told about every proxied request when it ends. Called on an event loop: an implementation must not
 * block (hand slow work such as file writes to a queue) and must not throw.
 */
@FunctionalInterface
public interface RequestObserver {
    void onComplete(RequestRecord record);
}
