package io.llmgateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The mock's canned answers and its unrecorded mode, what the load harness uses. */
class MockProviderTest {
    private static final String CHAT = "{\"model\":\"gpt-test\",\"messages\":[]}";
    private static final String STREAM = "{\"model\":\"gpt-test\",\"stream\":true,\"messages\":[]}";

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private HttpResponse<String> post(MockProvider mock, String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(mock.baseUrl() + "/chat/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void canned_sameBodyWithItsContentType() throws Exception {
        try (MockUpstream mock = MockUpstream.start()) {
            mock.setDefault(Behaviour.canned(200, "text/event-stream", "data: [DONE]\n\n"));
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = post(mock, CHAT);
                assertEquals(
                        "text/event-stream",
                        r.headers().firstValue("content-type").orElseThrow());
                assertEquals("14", r.headers().firstValue("content-length").orElseThrow());
                assertEquals("data: [DONE]\n\n", r.body());
            }
        }
    }

    @Test
    void sseEvents_exactlyTheGivenEvents_paced() throws Exception {
        try (MockUpstream mock = MockUpstream.start()) {
            mock.setDefault(Behaviour.sseEvents(List.of("data: a\n\n", "data: b\n\n", "data: [DONE]\n\n"))
                    .paced(Duration.ofMillis(40)));
            long start = System.nanoTime();
            HttpResponse<String> r = post(mock, STREAM);
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(List.of("a", "b", "[DONE]"), TestSse.data(r.body()));
            assertTrue(elapsedMillis >= 75, "3 events -> 2 gaps of 40 ms; took " + elapsedMillis + " ms");
        }
        assertThrows(
                IllegalStateException.class,
                () -> Behaviour.sseEvents(List.of()).withoutUsage());
    }

    @Test
    void startUnrecorded_answersOnTheGivenLoopsAndKeepsNoRequests() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try (MockProvider mock = MockProvider.startUnrecorded(group, NioServerSocketChannel.class, 0)) {
            mock.setDefault(Behaviour.streamAware(
                    Behaviour.canned(200, "application/json", "{\"ok\":1}"),
                    Behaviour.canned(200, "text/event-stream", "data: [DONE]\n\n")));
            assertEquals("{\"ok\":1}", post(mock, CHAT).body());
            assertEquals("data: [DONE]\n\n", post(mock, STREAM).body());
            assertEquals(List.of(), mock.requests());
            assertEquals(null, mock.takeRequest(Duration.ZERO));
        }
        assertTrue(group.isShuttingDown(), "the mock closes the loops it was given");
    }
}
