package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Issue 4: a thousand slow streams at once, all complete, with memory growing by kilobytes per stream. */
class ConcurrentStreamsEndToEndTest {
    private static final int STREAMS = 1000;

    @Test
    void thousandConcurrentPacedStreams_allComplete_withFlatMemory() throws Exception {
        List<String> deltas =
                IntStream.range(0, 20).mapToObj(i -> "tok" + i + " ").collect(Collectors.toList());
        try (MockUpstream upstream = MockUpstream.start()) {
            upstream.setDefault(Behaviour.sse(deltas).paced(Duration.ofMillis(100)));
            try (TestGateway g = TestGateway.start("""
                    upstream:
                      max_connections_per_loop: 1000
                    api_provider:
                      p:
                        base_url: %s
                    model_config:
                      gpt-4o:
                        p: {}
                    """.formatted(upstream.baseUrl()))) {
                HttpClient client = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
                HttpRequest request = HttpRequest.newBuilder(URI.create(g.url("/v1/chat/completions")))
                        .header("content-type", "application/json")
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}"))
                        .build();
                long heapBefore = settledHeap();

                List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
                for (int i = 0; i < STREAMS; i++) {
                    all.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
                }
                int peak = 0;
                long heapDuring = 0;
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (System.nanoTime() < deadline && !all.stream().allMatch(CompletableFuture::isDone)) {
                    int now = g.gateway().inFlight();
                    if (now > peak) {
                        peak = now;
                    }
                    if (now >= STREAMS * 9 / 10 && heapDuring == 0) {
                        heapDuring = settledHeap();
                    }
                    Thread.sleep(10); // the sampling interval of the peak; the futures below wait for the end
                }
                AtomicInteger complete = new AtomicInteger();
                for (CompletableFuture<HttpResponse<String>> f : all) {
                    HttpResponse<String> r = f.get();
                    if (r.statusCode() == 200
                            && r.body().contains("tok19")
                            && r.body().contains("[DONE]")) {
                        complete.incrementAndGet();
                    }
                }
                long perStream = heapDuring == 0 ? -1 : (heapDuring - heapBefore) / STREAMS;
                System.out.printf(
                        "%d streams: peak in flight %d, heap %d MiB -> %d MiB during (%d bytes/stream,"
                                + " client and mock included)%n",
                        STREAMS, peak, heapBefore >> 20, heapDuring >> 20, perStream);

                assertEquals(STREAMS, complete.get());
                assertTrue(peak >= STREAMS * 9 / 10, "streams did not overlap: peak " + peak);
                assertTrue(heapDuring > 0 && perStream < 64 * 1024, "heap per stream: " + perStream + " bytes");
            }
        }
    }

    private static long settledHeap() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
