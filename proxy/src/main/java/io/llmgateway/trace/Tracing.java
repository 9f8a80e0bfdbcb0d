package io.llmgateway.trace;

import static io.llmgateway.trace.TraceAttributes.GATEWAY_CLIENT_KEY;
import static io.llmgateway.trace.TraceAttributes.GATEWAY_REQUEST_ID;
import static io.llmgateway.trace.TraceAttributes.HTTP_REQUEST_METHOD;
import static io.llmgateway.trace.TraceAttributes.HTTP_ROUTE;
import static io.llmgateway.trace.TraceAttributes.SERVER_ADDRESS;
import static io.llmgateway.trace.TraceAttributes.SERVER_PORT;
import static io.llmgateway.trace.TraceAttributes.URL_PATH;
import static io.llmgateway.trace.TraceAttributes.USER_AGENT;
import static java.util.Objects.requireNonNull;

import io.llmgateway.config.Endpoints;
import io.llmgateway.config.TracingSettings;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.Ticker;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.common.Clock;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.Collector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/*
 * Design notes
 * - Off (no tracing.otlp_endpoint) there is no SDK object at all: start() answers ExchangeTrace.OFF, whose
 *   reports do nothing, and the client's trace context goes to providers as the client sent it.
 * - A reload with other tracing settings builds a new pipeline and shuts the old one down without waiting
 *   (it exports what it holds on its own thread); exchanges under way finish with the tracer they started with.
 * - The export counters outlive pipelines, so /metrics counts over the process's life.
 */
/** The gateway's traces: starts each proxied exchange's spans, and exports them as {@code tracing} says. */
public final class Tracing implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Tracing.class);
    private static final long CLOSE_WAIT_SECONDS = 5;
    /** The route of each documented family's path after {@code /v1}, and its span name for a POST: made once. */
    private static final Map<String, String> ROUTES = new HashMap<>();

    private static final Map<String, String> POST_NAMES = new HashMap<>();

    static {
        for (String family : Endpoints.FORWARDED) {
            ROUTES.put("/" + family, "/v1/" + family);
            POST_NAMES.put("/" + family, "POST /v1/" + family);
        }
    }

    private final Clock clock;
    private final ExportCounters counters = new ExportCounters();
    private volatile SpanPipeline pipeline; // null when tracing is off

    /**
     * @param wall the wall clock of span times
     * @param ticker the monotonic time of span durations
     */
    public Tracing(TracingSettings settings, java.time.Clock wall, Ticker ticker) {
        this.clock = new SdkClock(wall, ticker);
        configure(settings);
    }

    /** Applies reloaded settings: a new pipeline when they changed, none when tracing is now off. */
    public synchronized void configure(TracingSettings settings) {
        requireNonNull(settings, "settings");
        SpanPipeline old = pipeline;
        if (old == null ? !settings.enabled() : old.settings.equals(settings)) {
            return;
        }
        pipeline = settings.enabled() ? SpanPipeline.start(settings, clock, counters) : null;
        if (old != null) {
            old.shutdown();
        }
        if (settings.enabled()) {
            LOG.info("tracing: exporting spans to {} (sample_ratio {})", settings.tracesUrl(), settings.sampleRatio());
        } else {
            LOG.info("tracing: off");
        }
    }

    /** Whether spans are being made. */
    public boolean enabled() {
        return pipeline != null;
    }

    /**
     * The spans of a proxied exchange starting now: a server span that continues the client's trace (W3C
     * {@code traceparent}), or {@link ExchangeTrace#OFF} when tracing is off.
     *
     * @param pathAfterV1 the client's path after {@code /v1}, without its query
     * @param keyName the client key's name, or null without client keys
     */
    public ExchangeTrace start(HttpRequest request, String pathAfterV1, String requestId, String keyName) {
        SpanPipeline p = pipeline;
        if (p == null) {
            return ExchangeTrace.OFF;
        }
        HttpHeaders headers = request.headers();
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
        String method = request.method().name();
        String known = ROUTES.get(pathAfterV1); // the path is the route
        String route = known != null ? known : route(pathAfterV1);
        String name = known != null && method.equals("POST") ? POST_NAMES.get(pathAfterV1) : method + ' ' + route;
        SpanBuilder b = p.tracer
                .spanBuilder(name)
                .setSpanKind(SpanKind.SERVER)
                .setParent(parent)
                .setAttribute(HTTP_REQUEST_METHOD, method)
                .setAttribute(HTTP_ROUTE, route)
                .setAttribute(URL_PATH, known != null ? known : "/v1" + pathAfterV1)
                .setAttribute(GATEWAY_REQUEST_ID, requestId);
        String host = headers.get(HttpHeaderNames.HOST);
        if (host != null) {
            hostAttributes(b, host);
        }
        String agent = headers.get(HttpHeaderNames.USER_AGENT);
        if (agent != null) {
            b.setAttribute(USER_AGENT, agent.length() > 256 ? agent.substring(0, 256) : agent);
        }
        if (keyName != null) {
            b.setAttribute(GATEWAY_CLIENT_KEY, keyName);
        }
        Span server = b.startSpan();
        return new SpanTrace(p.tracer, p.providers, clock, server, GenAi.operation(pathAfterV1));
    }

    /** {@code http.route}: the path of a documented family; another path's first segment, the rest a wildcard. */
    static String route(String pathAfterV1) {
        String family = pathAfterV1.startsWith("/") ? pathAfterV1.substring(1) : pathAfterV1;
        if (Endpoints.FORWARDED.contains(family)) {
            return "/v1/" + family;
        }
        int slash = family.indexOf('/');
        String first = slash < 0 ? family : family.substring(0, slash);
        if (first.length() > 64) {
            first = first.substring(0, 64);
        }
        return "/v1/" + first + (slash < 0 ? "" : "/*");
    }

    private static void hostAttributes(SpanBuilder b, String host) {
        int colon = host.lastIndexOf(':');
        boolean hasPort = colon > 0 && host.indexOf(']', colon) < 0;
        String name = hasPort ? host.substring(0, colon) : host;
        b.setAttribute(SERVER_ADDRESS, name.length() > 256 ? name.substring(0, 256) : name);
        if (hasPort) {
            try {
                b.setAttribute(SERVER_PORT, Long.parseLong(host.substring(colon + 1)));
            } catch (NumberFormatException e) {
                // Not a port: the address alone.
            }
        }
    }

    /** Exports the spans ended so far, waiting up to {@code seconds}; true when done (tests, shutdown). */
    public boolean flush(long seconds) {
        SpanPipeline p = pipeline;
        return p == null || p.flush().join(seconds, TimeUnit.SECONDS).isSuccess();
    }

    /** The export counters for {@code /metrics}. */
    public List<Collector> metrics() {
        return List.of(
                CounterWithCallback.builder()
                        .name("llm_gateway_trace_spans_exported_total")
                        .help("Spans the collector (tracing.otlp_endpoint) took")
                        .callback(cb -> cb.call(counters.exported.get()))
                        .build(),
                CounterWithCallback.builder()
                        .name("llm_gateway_trace_spans_dropped_total")
                        .help("Sampled spans not exported: queue_full (the collector could not keep up) or "
                                + "export_failed (the collector was unreachable or refused them)")
                        .labelNames("reason")
                        .callback(cb -> {
                            cb.call(counters.droppedQueueFull.get(), "queue_full");
                            cb.call(counters.droppedExportFailed.get(), "export_failed");
                        })
                        .build());
    }

    /** Exports what is queued (for a few seconds at most) and stops. */
    @Override
    public synchronized void close() {
        SpanPipeline p = pipeline;
        pipeline = null;
        if (p != null) {
            p.close(CLOSE_WAIT_SECONDS);
        }
    }

    private static final TextMapGetter<HttpHeaders> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpHeaders carrier) {
            return carrier.names();
        }

        @Override
        public String get(HttpHeaders carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };
}
