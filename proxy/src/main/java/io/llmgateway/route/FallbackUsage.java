package io.llmgateway.route;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one provider admitted on this instance alone while the shared store was unreachable: added to
 * the shared windows when the store is back, so that the other instances see it for the rest of the
 * windows (rpd above all).
 */
final class FallbackUsage {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong tokens = new AtomicLong();

    void admitted(long estimatedTokens) {
        requests.incrementAndGet();
        tokens.addAndGet(estimatedTokens);
    }

    void clear() {
        requests.set(0);
        tokens.set(0);
    }
}
