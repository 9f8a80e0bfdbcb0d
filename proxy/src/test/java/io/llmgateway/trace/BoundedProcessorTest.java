package io.llmgateway.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedProcessorTest {
    /** An exporter that holds every batch until {@link #complete} (a collector that does not answer). */
    private static final class HeldExporter implements SpanExporter {
        final List<CompletableResultCode> held = new ArrayList<>();

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            CompletableResultCode r = new CompletableResultCode();
            held.add(r);
            return r;
        }

        void complete(boolean success) {
            held.forEach(r -> {
                if (success) {
                    r.succeed();
                } else {
                    r.fail();
                }
            });
            held.clear();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    private static SdkTracerProvider provider(SpanProcessor p, Sampler sampler) {
        return SdkTracerProvider.builder()
                .setSampler(sampler)
                .addSpanProcessor(p)
                .build();
    }

    @Test
    void pastTheBound_spansAreDroppedAndCounted_untilExportsComplete() {
        ExportCounters counters = new ExportCounters();
        HeldExporter exporter = new HeldExporter();
        SpanProcessor export = SimpleSpanProcessor.create(new CountingExporter(exporter, counters));
        try (SdkTracerProvider tracing = provider(new BoundedProcessor(export, counters, 3), Sampler.alwaysOn())) {
            for (int i = 0; i < 5; i++) {
                tracing.get("t").spanBuilder("s" + i).startSpan().end();
            }
            assertEquals(2, counters.droppedQueueFull.get());
            assertEquals(3, counters.pending.get());

            exporter.complete(false);
            assertEquals(3, counters.droppedExportFailed.get());
            assertEquals(0, counters.pending.get());

            tracing.get("t").spanBuilder("after").startSpan().end();
            exporter.complete(true);
            assertEquals(1, counters.exported.get());
            assertEquals(2, counters.droppedQueueFull.get());
        }
    }

    @Test
    void unsampledSpans_neitherQueuedNorCounted() {
        ExportCounters counters = new ExportCounters();
        HeldExporter exporter = new HeldExporter();
        SpanProcessor export = SimpleSpanProcessor.create(new CountingExporter(exporter, counters));
        try (SdkTracerProvider tracing = provider(new BoundedProcessor(export, counters, 3), Sampler.alwaysOff())) {
            Span s = tracing.get("t").spanBuilder("s").startSpan();
            s.end();
            assertEquals(0, counters.pending.get());
            assertEquals(0, exporter.held.size());
            assertFalse(s.getSpanContext().isSampled());
        }
    }

    @Test
    void bound_mustBePositive() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new BoundedProcessor(SpanProcessor.composite(), new ExportCounters(), 0));
    }
}
