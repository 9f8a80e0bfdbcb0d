package io.llmgateway.trace;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What became of the sampled spans, over every export pipeline a gateway has had (a reload builds a new one):
 * exported, or dropped because the queue was full or the collector did not take them. {@link #pending} counts
 * the spans queued or being exported, which the queue bound applies to.
 */
final class ExportCounters {
    final AtomicLong exported = new AtomicLong();
    final AtomicLong droppedQueueFull = new AtomicLong();
    final AtomicLong droppedExportFailed = new AtomicLong();
    final AtomicLong pending = new AtomicLong();
}
