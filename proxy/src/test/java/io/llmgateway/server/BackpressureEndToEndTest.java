package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Await;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 4: a slow client must stop the gateway from reading its provider (no unbounded buffering), while a
 * fast client on the same gateway is not slowed. The provider here is a plain blocking socket that writes
 * as fast as the network lets it, so how much it could write shows how much the gateway accepted.
 */
class BackpressureEndToEndTest {
    private static final int EVENT_BYTES = 1024;
    private static final int EVENTS = 64 * 1024; // 64 MiB of SSE if nothing pushed back

    @Test
    void slowClient_stopsUpstreamReads_fastClientIsNotSlowed() throws Exception {
        try (ServerSocket provider = new ServerSocket(0);
                MockUpstream fastProvider = MockUpstream.start()) {
            AtomicLong written = new AtomicLong();
            CountDownLatch finished = new CountDownLatch(1);
            Thread writer = new Thread(() -> serveHugeStream(provider, written, finished), "huge-sse");
            writer.setDaemon(true);
            writer.start();
            try (TestGateway g = TestGateway.start("""
                    upstream:
                      stream_idle_timeout: 30s
                    api_provider:
                      firehose:
                        base_url: http://127.0.0.1:%d/v1
                      quick:
                        base_url: %s
                    model_config:
                      big:
                        firehose: {}
                      small:
                        quick: {}
                    """.formatted(provider.getLocalPort(), fastProvider.baseUrl()));
                    RawHttp slow = RawHttp.connect(g.port())) {
                slow.send(
                        RawHttp.post(
                                "/v1/chat/completions",
                                "{\"model\":\"big\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}"));
                // The client reads nothing meanwhile: the provider's writes stop once the buffers are full.
                Await.until("the provider writes", () -> written.get() > 0);
                long stalledAt = Await.settled(
                        "the provider's writes", written::get, Duration.ofMillis(500), Duration.ofSeconds(20));

                long t0 = System.nanoTime();
                HttpResponse<String> fast = g.post("/v1/chat/completions", "{\"model\":\"small\",\"messages\":[]}");
                long fastMillis = (System.nanoTime() - t0) / 1_000_000;

                assertTrue(
                        stalledAt < 24L * 1024 * 1024,
                        "the gateway kept reading for a client that does not: " + (stalledAt >> 20) + " MiB accepted");
                assertEquals(200, fast.statusCode());
                assertTrue(fastMillis < 1000, "a fast client waited " + fastMillis + " ms");

                // Now the slow client reads: the rest of the stream flows, complete.
                long received = drain(slow);
                assertTrue(finished.await(30, TimeUnit.SECONDS), "the provider never got to write everything");
                assertTrue(received >= (long) EVENT_BYTES * EVENTS, "received only " + received + " bytes");
            }
        }
    }

    private static long drain(RawHttp client) throws IOException {
        String tail = client.readUntilClose(15_000);
        return tail.getBytes(StandardCharsets.ISO_8859_1).length;
    }

    /** A provider answering one streamed request with 64 MiB of SSE events, written with blocking I/O. */
    static void serveHugeStream(ServerSocket server, AtomicLong written, CountDownLatch finished) {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n = in.read(buf); // the request (small enough for one read in practice)
            if (n <= 0) {
                return;
            }
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // Padding rather than deltas: the gateway's usage tap skips these cheaply, so the only thing
            // that can slow its reading is backpressure.
            String prefix = "data: {\"object\":\"chat.completion.chunk\",\"padding\":\"";
            String suffix = "\"}\n\n";
            String event = prefix + "z".repeat(EVENT_BYTES - prefix.length() - suffix.length()) + suffix;
            byte[] bytes = event.getBytes(StandardCharsets.US_ASCII);
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                batch.add(bytes);
            }
            for (int i = 0; i < EVENTS; i += batch.size()) {
                for (byte[] b : batch) {
                    out.write(b);
                }
                written.addAndGet((long) bytes.length * batch.size());
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            finished.countDown();
        } catch (IOException e) {
            // the test ended first
        }
    }
}
