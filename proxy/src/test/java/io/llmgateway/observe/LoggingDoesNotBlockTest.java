package io.llmgateway.observe;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.TestJson;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7: a log that cannot be written never slows requests down; the records it loses are counted in
 * /metrics. The "disk" here is a FIFO nobody reads (every write blocks forever) or a directory that is
 * a file (every write fails).
 */
class LoggingDoesNotBlockTest {
    private static final int REQUESTS = 40;
    private static final int QUEUE = 8;
    /**
     * A request waiting for the blocked log would never finish (nobody ever reads the FIFO), so any bound
     * proves the point; this one is generous for a loaded CI machine (each request takes milliseconds).
     */
    private static final long SLOW_MILLIS = 5000;

    @TempDir
    Path dir;

    @RegisterExtension
    final MockUpstream upstream = MockUpstream.start();

    private TestGateway gateway(Path logDirectory) throws Exception {
        return TestGateway.start("""
                logging:
                  directory: %s
                  queue_size: %d
                api_provider:
                  main:
                    base_url: %s
                model_config:
                  gpt-4o:
                    main: {}
                """.formatted(logDirectory, QUEUE, upstream.baseUrl()));
    }

    @Test
    void blockedLogFile_requestsStayFast_andDropsAreCounted() throws Exception {
        Path fifo = dir.resolve("agent_interactions.log");
        Process mkfifo =
                new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        try (TestGateway g = gateway(dir)) {
            long slowest = sendAll(g);

            PrometheusText m = PrometheusText.parse(g.get("/metrics").body());
            double dropped = m.value("llm_gateway_interaction_log_dropped_total", "reason", "queue_full");
            // The writer took one record and hangs opening the FIFO; the queue holds QUEUE more.
            assertTrue(dropped >= REQUESTS - QUEUE - 1, "dropped " + dropped);
            assertEquals(0, m.value("llm_gateway_interaction_log_written_total"));
            assertEquals(QUEUE, m.value("llm_gateway_interaction_log_queue"));
            assertTrue(slowest < SLOW_MILLIS, "slowest request took " + slowest + " ms");

            // A reader appears: the writer delivers what it kept, and the thread is free again.
            CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = new FileInputStream(fifo.toFile())) {
                    // Not readAllBytes(): on JDK 17 it seeks, which a FIFO refuses.
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    byte[] buf = new byte[8192];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        out.write(buf, 0, n);
                    }
                    return out.toString(StandardCharsets.UTF_8);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            String delivered = read.get(10, TimeUnit.SECONDS);
            String[] lines = delivered.split("\n");
            assertEquals(QUEUE + 1, lines.length, delivered);
            for (String line : lines) {
                TestJson.parse(line);
            }
        }
    }

    @Test
    void unwritableLogDirectory_requestsSucceed_andFailuresAreCounted() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        try (TestGateway g = gateway(notADirectory)) {
            long slowest = sendAll(g);

            double[] failed = new double[1];
            Await.until("every record is accounted for as dropped", () -> {
                try {
                    PrometheusText m = PrometheusText.parse(g.get("/metrics").body());
                    failed[0] = m.value("llm_gateway_interaction_log_dropped_total", "reason", "write_failed")
                            + m.value("llm_gateway_interaction_log_dropped_total", "reason", "queue_full");
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return failed[0] >= REQUESTS;
            });
            assertEquals(REQUESTS, failed[0], "every record is accounted for as dropped");
            assertTrue(slowest < SLOW_MILLIS, "slowest request took " + slowest + " ms");
        }
    }

    /** Sends the requests one after the other; returns the slowest one's milliseconds. */
    private static long sendAll(TestGateway g) throws Exception {
        long slowest = 0;
        for (int i = 0; i < REQUESTS; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);
            slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            assertEquals(200, r.statusCode(), r.body());
        }
        return slowest;
    }
}
