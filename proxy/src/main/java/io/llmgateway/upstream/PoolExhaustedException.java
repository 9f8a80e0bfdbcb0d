package io.llmgateway.upstream;

/** No pooled connection became free within the acquire timeout: local overload, not the provider's fault. */
public final class PoolExhaustedException extends Exception {
    private static final long serialVersionUID = 1L;

    PoolExhaustedException(String message) {
        super(message, null, false, false);
    }
}
