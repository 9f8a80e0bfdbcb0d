package io.llmgateway.trace;

import io.llmgateway.config.TracingSettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The SDK objects of one {@code tracing} section: a tracer provider whose spans go through a bounded, counting
 * batch processor to an OTLP/HTTP exporter. Built off the request path (start, reload); its export thread is
 * the batch processor's own.
 */
final class SpanPipeline {
    /**
     * Spans queued or being exported at most; more are dropped and counted. Two spans a request at 20,000
     * requests a second fill it in 0.4 s: room for an export or two that is slow, a few MiB of heap at most.
     */
    static final int MAX_PENDING_SPANS = 16384;

    // Large batches: each export is one request to the collector and one encoding pass on the export thread.
    private static final int MAX_BATCH = 2048;
    private static final Duration EXPORT_DELAY = Duration.ofSeconds(1);
    private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(10);
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    final TracingSettings settings;
    final Tracer tracer;
    final ProviderAttributes providers = new ProviderAttributes();
    private final SdkTracerProvider provider;

    private SpanPipeline(TracingSettings settings, SdkTracerProvider provider) {
        this.settings = settings;
        this.provider = provider;
        this.tracer = provider.get("io.llmgateway");
    }

    static SpanPipeline start(
            TracingSettings settings, io.opentelemetry.sdk.common.Clock clock, ExportCounters counters) {
        OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(settings.tracesUrl())
                .setTimeout(EXPORT_TIMEOUT)
                .setConnectTimeout(Duration.ofSeconds(5))
                // Encodes each batch into buffers the exporter keeps, not new objects per span: the batch
                // processor exports one batch at a time.
                .setMemoryMode(MemoryMode.REUSABLE_DATA)
                // A collector that is down costs a few short retries, then the batch is dropped and counted.
                .setRetryPolicy(RetryPolicy.builder()
                        .setMaxAttempts(3)
                        .setInitialBackoff(Duration.ofMillis(200))
                        .setMaxBackoff(Duration.ofSeconds(1))
                        .build());
        for (Map.Entry<String, String> h : settings.headers().entrySet()) {
            exporter.addHeader(h.getKey(), h.getValue());
        }
        BatchSpanProcessor batches = BatchSpanProcessor.builder(new CountingExporter(exporter.build(), counters))
                .setMaxQueueSize(MAX_PENDING_SPANS + MAX_BATCH)
                .setMaxExportBatchSize(MAX_BATCH)
                .setScheduleDelay(EXPORT_DELAY)
                .setExporterTimeout(EXPORT_TIMEOUT)
                .build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setClock(clock)
                .setResource(Resource.getDefault()
                        .merge(Resource.create(Attributes.of(SERVICE_NAME, settings.serviceName()))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())))
                .addSpanProcessor(new BoundedProcessor(batches, counters, MAX_PENDING_SPANS))
                .build();
        return new SpanPipeline(settings, provider);
    }

    /** Exports what is queued now; completes when done. */
    CompletableResultCode flush() {
        return provider.forceFlush();
    }

    /** Exports what is queued and stops; does not wait. */
    CompletableResultCode shutdown() {
        return provider.shutdown();
    }

    /** Exports what is queued and stops, waiting up to {@code seconds}. */
    void close(long seconds) {
        shutdown().join(seconds, TimeUnit.SECONDS);
    }
}
