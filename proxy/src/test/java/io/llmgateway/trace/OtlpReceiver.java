package io.llmgateway.trace;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A collector for tests: OTLP over HTTP ({@code POST /v1/traces}, protobuf) on loopback, decoding each export
 * with the {@code io.opentelemetry.proto} classes. It can answer 200, answer 500, or hold every export until it
 * closes (a slow collector).
 */
public final class OtlpReceiver implements AutoCloseable {
    public enum Mode {
        OK,
        FAIL,
        STALL
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final List<Resource> resources = new CopyOnWriteArrayList<>();
    private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
    private final AtomicInteger posts = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Mode mode = Mode.OK;

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    public static OtlpReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        OtlpReceiver r = new OtlpReceiver(server);
        server.createContext("/v1/traces", r::handle);
        server.setExecutor(r.threads);
        server.start();
        return r;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            posts.incrementAndGet();
            ex.getRequestHeaders().forEach((k, v) -> lastHeaders.put(k.toLowerCase(), String.join(",", v)));
            byte[] body;
            try (InputStream in = "gzip".equals(ex.getRequestHeaders().getFirst("content-encoding"))
                    ? new GZIPInputStream(ex.getRequestBody())
                    : ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            Mode m = mode;
            if (m == Mode.STALL) {
                try {
                    closing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ex.sendResponseHeaders(503, -1);
                return;
            }
            if (m == Mode.FAIL) {
                ex.sendResponseHeaders(500, -1);
                return;
            }
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
            for (ResourceSpans rs : request.getResourceSpansList()) {
                resources.add(rs.getResource());
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    spans.addAll(ss.getSpansList());
                }
            }
            ex.getResponseHeaders().add("content-type", "application/x-protobuf");
            ex.sendResponseHeaders(200, -1);
        }
    }

    public List<Span> spans() {
        return List.copyOf(spans);
    }

    public List<Resource> resources() {
        return List.copyOf(resources);
    }

    public int posts() {
        return posts.get();
    }

    public Map<String, String> lastHeaders() {
        return Map.copyOf(lastHeaders);
    }

    /** Every string in a span: its name, attribute keys and values, events' names and attributes. */
    public static List<String> texts(Span span) {
        List<String> out = new ArrayList<>();
        out.add(span.getName());
        addAll(out, span.getAttributesList());
        for (Span.Event e : span.getEventsList()) {
            out.add(e.getName());
            addAll(out, e.getAttributesList());
        }
        return out;
    }

    static void addAll(List<String> out, List<KeyValue> attributes) {
        for (KeyValue kv : attributes) {
            out.add(kv.getKey());
            out.add(text(kv.getValue()));
        }
    }

    private static String text(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case ARRAY_VALUE ->
                v.getArrayValue().getValuesList().stream()
                        .map(OtlpReceiver::text)
                        .toList()
                        .toString();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            default -> v.toString();
        };
    }

    /** The value of attribute {@code key} as text, or null. */
    public static String attr(List<KeyValue> attributes, String key) {
        for (KeyValue kv : attributes) {
            if (kv.getKey().equals(key)) {
                return text(kv.getValue());
            }
        }
        return null;
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
