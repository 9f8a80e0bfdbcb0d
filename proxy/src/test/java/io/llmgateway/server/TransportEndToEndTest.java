package io.llmgateway.server;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.IoTransport;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.transport.Transport;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole gateway on each transport this machine has (io_uring, epoll, NIO): a JSON answer, a stream, and
 * many providers resetting their connection right after the first event, each on a fresh connection. That
 * last case is the one Netty's io_uring got wrong with multishot polls (the stream hung until the idle
 * timeout); the gateway turns them off, and this test holds it to that. Leak detection (paranoid, every
 * test) also checks each transport's shutdown.
 */
class TransportEndToEndTest {
    private static final String STREAM = CHAT.replace("}]}", "}],\"stream\":true}");
    private static final int RESETS = 30;

    /** Asked through Transport, which must initialise before Netty's IoUring class reads its settings. */
    static Stream<IoTransport> transports() {
        return Stream.of(IoTransport.IO_URING, IoTransport.EPOLL, IoTransport.NIO)
                .filter(Transport::isAvailable);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void proxiesAndSeesEveryReset(IoTransport transport) throws Exception {
        try (MockUpstream upstream = MockUpstream.start();
                TestGateway gateway = TestGateway.start("""
                     server: {transport: %s}
                     upstream: {stream_idle_timeout: 30s}
                     routing: {max_attempts: 1, failure_threshold: 1000}
                     api_provider:
                       p:
                         base_url: %s
                     model_config:
                       gpt-4o:
                         p: {}
                     """.formatted(transport.configName(), upstream.baseUrl()))) {
            assertEquals(transport, Transport.of(gateway.server().workers()));

            upstream.enqueue(Behaviour.chatCompletion("plain answer"));
            HttpResponse<String> json = gateway.post("/v1/chat/completions", CHAT);
            assertEquals(200, json.statusCode(), json.body());
            assertTrue(json.body().contains("plain answer"), json.body());

            upstream.enqueue(Behaviour.sse("a", "b", "c"));
            HttpResponse<String> stream = gateway.post("/v1/chat/completions", STREAM);
            assertEquals(200, stream.statusCode(), stream.body());
            assertTrue(stream.body().contains("[DONE]"), stream.body());

            for (int i = 0; i < RESETS; i++) {
                upstream.enqueue(Behaviour.sse("a", "b").resetAfter(1));
                long start = System.nanoTime();
                HttpResponse<String> broken = gateway.post("/v1/chat/completions", STREAM);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                // Missed, the reset would end the stream only at the 30 s idle timeout.
                assertTrue(
                        millis < 5000,
                        transport + ": reset " + (i + 1) + " of " + RESETS + " took " + millis
                                + " ms to reach the client: " + broken.body());
                assertEquals(200, broken.statusCode(), broken.body());
                assertTrue(broken.body().contains("\"error\":{"), broken.body());
                assertFalse(broken.body().contains("[DONE]"), broken.body());
            }
        }
    }
}
