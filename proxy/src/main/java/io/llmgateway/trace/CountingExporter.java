package io.llmgateway.trace;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/** Counts what the exporter did with each batch: exported, or dropped when the collector did not take it. */
final class CountingExporter implements SpanExporter {
    private final SpanExporter delegate;
    private final ExportCounters counters;

    CountingExporter(SpanExporter delegate, ExportCounters counters) {
        this.delegate = requireNonNull(delegate, "delegate");
        this.counters = requireNonNull(counters, "counters");
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        int n = spans.size();
        CompletableResultCode result;
        try {
            result = delegate.export(spans);
        } catch (RuntimeException e) {
            counters.pending.addAndGet(-n);
            counters.droppedExportFailed.addAndGet(n);
            return CompletableResultCode.ofFailure();
        }
        result.whenComplete(() -> {
            counters.pending.addAndGet(-n);
            (result.isSuccess() ? counters.exported : counters.droppedExportFailed).addAndGet(n);
        });
        return result;
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }
}
