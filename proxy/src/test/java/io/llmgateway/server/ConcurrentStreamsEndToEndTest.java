package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Await;
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
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 4: a thousand slow streams at once, all complete, with the gateway's memory growing by kilobytes per
 * stream. The same thousand streams run straight from the client to the mock first, so the client's and the
 * mock's memory (and the leak detector's records of the mock's buffers) are subtracted from the gateway run;
 * the gateway's share still includes the paranoid leak detector's records of its own buffers.
 */
class ConcurrentStreamsEndToEndTest {
    private static final int STREAMS = 1000;
    private static final String BODY = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}";

    @Test
    void thousandConcurrentPacedStreams_allComplete_withFlatMemory() throws Exception {
        List<String> deltas =
                IntStream.range(0, 20).mapToObj(i -> "tok" + i + " ").collect(Collectors.toList());
        try (MockUpstream upstream = MockUpstream.start()) {
            Behaviour paced = Behaviour.sse(deltas).paced(Duration.ofMillis(100));
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
                upstream.setDefault(paced);
                Run direct = run(upstream.baseUrl() + "/v1/chat/completions", upstream::openConnections);
                // the direct run's client is unreachable now: collecting it closes its idle connections
                Await.until("direct connections closed", () -> {
                    System.gc();
                    return upstream.openConnections() == 0;
                });
                Run gateway = run(g.url("/v1/chat/completions"), g.gateway()::inFlight);
                long perStream = (gateway.heapDuring - direct.heapDuring) / STREAMS;
                System.out.printf(
                        "%d streams: peak in flight %d, heap during %d MiB direct, %d MiB through the gateway"
                                + " (%d bytes/stream in the gateway, leak-detection records included)%n",
                        STREAMS, gateway.peak, direct.heapDuring >> 20, gateway.heapDuring >> 20, perStream);

                assertEquals(STREAMS, direct.complete, "streams straight to the mock");
                assertEquals(STREAMS, gateway.complete, "streams through the gateway");
                assertTrue(gateway.peak >= STREAMS * 9 / 10, "streams did not overlap: peak " + gateway.peak);
                assertTrue(direct.heapDuring > 0 && gateway.heapDuring > 0, "heap not sampled in flight");
                assertTrue(perStream < 48 * 1024, "gateway heap per stream: " + perStream + " bytes");
            }
        }
    }

    /** The streams' outcome, their peak in flight and the settled heap while 90% of them were in flight. */
    private record Run(int complete, int peak, long heapDuring) {}

    private static Run run(String url, IntSupplier inFlight) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(BODY))
                .build();
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            all.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        int peak = 0;
        long heapDuring = 0;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline && !all.stream().allMatch(CompletableFuture::isDone)) {
            int now = inFlight.getAsInt();
            peak = Math.max(peak, now);
            if (now >= STREAMS * 9 / 10 && heapDuring == 0) {
                heapDuring = settledHeap();
            }
            Thread.sleep(10); // the sampling interval of the peak; the futures below wait for the end
        }
        int complete = 0;
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.get();
            if (r.statusCode() == 200 && r.body().contains("tok19") && r.body().contains("[DONE]")) {
                complete++;
            }
        }
        return new Run(complete, peak, heapDuring);
    }

    private static long settledHeap() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
