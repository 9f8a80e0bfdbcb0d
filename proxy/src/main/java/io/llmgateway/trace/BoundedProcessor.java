package io.llmgateway.trace;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Bounds the spans waiting for export and counts those dropped at the bound. The batch processor it feeds has a
 * bounded queue too, but drops silently; this one keeps at most {@code maxPending} spans queued or being
 * exported (the exporter's counting wrapper gives them back), below that queue's size, so every drop is one
 * counted here. A span ended on an event loop costs one atomic add and one queue offer: never a wait.
 */
final class BoundedProcessor implements SpanProcessor {
    private final SpanProcessor batches;
    private final ExportCounters counters;
    private final long maxPending;

    BoundedProcessor(SpanProcessor batches, ExportCounters counters, long maxPending) {
        this.batches = requireNonNull(batches, "batches");
        this.counters = requireNonNull(counters, "counters");
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending: " + maxPending + " (expected: >= 1)");
        }
        this.maxPending = maxPending;
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        if (!span.getSpanContext().isSampled()) {
            return;
        }
        if (counters.pending.incrementAndGet() > maxPending) {
            counters.pending.decrementAndGet();
            counters.droppedQueueFull.incrementAndGet();
            return;
        }
        batches.onEnd(span);
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }

    @Override
    public CompletableResultCode shutdown() {
        return batches.shutdown();
    }

    @Override
    public CompletableResultCode forceFlush() {
        return batches.forceFlush();
    }
}
