package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawHttp;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 4: SSE relayed as it arrives, usage tapped and hidden, failures reported in-band, aborts propagated. */
class StreamingEndToEndTest {
    private static final String STREAM_BODY =
            "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";
    private static final List<String> TWENTY =
            IntStream.range(0, 20).mapToObj(i -> "t" + i + " ").collect(Collectors.toList());

    private MockUpstream upstream;
    private MockUpstream backup;
    private TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        upstream = MockUpstream.start();
        backup = MockUpstream.start();
        gateway = TestGateway.start("""
                upstream:
                  stream_idle_timeout: 2s
                api_provider:
                  main:
                    base_url: %s
                    api_key: key-main
                  spare:
                    base_url: %s
                    api_key: key-spare
                model_config:
                  gpt-4o:
                    main: {}
                    spare: {}
                """.formatted(upstream.baseUrl(), backup.baseUrl()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
        backup.close();
    }

    @Test
    void sdkStream_deltasArriveIncrementally_andUsageChunkIsHidden() throws Exception {
        // Warm the SDK up first (class loading, JIT): its first stream can take seconds on a busy machine,
        // which would measure the client, not the relay.
        OpenAIClient client = gateway.openai();
        upstream.enqueue(Behaviour.sse(List.of("warm", "up")));
        try (StreamResponse<ChatCompletionChunk> warm = client.chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("gpt-4o")
                        .addUserMessage("warm up")
                        .build())) {
            warm.stream().forEach(chunk -> {});
        }
        upstream.enqueue(Behaviour.sse(TWENTY).paced(Duration.ofMillis(20)));
        List<Long> arrivals = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        long t0 = System.nanoTime();

        try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("gpt-4o")
                        .addUserMessage("count")
                        .build())) {
            stream.stream().forEach(chunk -> {
                arrivals.add((System.nanoTime() - t0) / 1_000_000);
                // Clients commonly read choices[0] of every chunk: an empty list must never arrive.
                assertFalse(chunk.choices().isEmpty(), "a chunk without choices reached the client");
                chunk.choices().get(0).delta().content().ifPresent(text::append);
            });
        }

        assertEquals(String.join("", TWENTY), text.toString());
        long first = arrivals.get(0);
        long last = arrivals.get(arrivals.size() - 1);
        assertTrue(last - first >= 300, "chunks were not relayed as they came: " + arrivals);
        upstream.takeRequest(Duration.ofSeconds(5)); // the warm-up
        assertTrue(
                upstream.takeRequest(Duration.ofSeconds(5)).body().contains("\"include_usage\":true"),
                "the gateway asks the provider for usage");
    }

    @Test
    void sdkStream_clientAskedForUsage_seesTheUsageChunk() throws Exception {
        upstream.enqueue(Behaviour.sse(List.of("a", "b")).withUsage(7, 2));
        List<ChatCompletionChunk> chunks;

        try (StreamResponse<ChatCompletionChunk> stream = gateway.openai()
                .chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("gpt-4o")
                        .addUserMessage("x")
                        .streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            chunks = stream.stream().collect(Collectors.toList());
        }

        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty());
        assertEquals(9, last.usage().orElseThrow().totalTokens());
    }

    @Test
    void streamedUsage_settlesTheProvidersTokenWindowToTheRealTotal() throws Exception {
        upstream.enqueue(Behaviour.sse(List.of("a", "b")).withUsage(700, 25));
        BlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();
        gateway.gateway().observers().add(records::add);

        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_BODY);

        assertEquals(200, r.statusCode());
        RequestRecord record = records.poll(5, TimeUnit.SECONDS);
        assertEquals(725, record.totalTokens());
        assertFalse(record.tokensEstimated());
        assertEquals(725, tpmOf("main"), "the reservation (the estimate) was corrected to the real usage");
    }

    @Test
    void streamWithoutUsage_settlesAnEstimateFromTheDeltas() throws Exception {
        upstream.enqueue(
                Behaviour.sse(List.of("one two three ", "four five six")).withoutUsage());
        BlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();
        gateway.gateway().observers().add(records::add);

        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_BODY);

        assertEquals(200, r.statusCode());
        RequestRecord record = records.poll(5, TimeUnit.SECONDS);
        assertTrue(record.tokensEstimated());
        assertTrue(record.completionTokens() >= 5 && record.completionTokens() <= 8, record.toString());
        assertEquals(record.totalTokens(), tpmOf("main"));
    }

    @Test
    void clientAbort_settlesTheTokensStreamedSoFar() throws Exception {
        upstream.enqueue(Behaviour.sse(TWENTY).paced(Duration.ofMillis(50)));
        BlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();
        gateway.gateway().observers().add(records::add);
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            c.send(RawHttp.post("/v1/chat/completions", STREAM_BODY));
            String part = c.readUntil(t -> t.split("data:", -1).length > 4, 5000); // some events, not all
            assertFalse(part.contains("[DONE]"), part);
        }

        RequestRecord record = records.poll(5, TimeUnit.SECONDS);
        assertEquals("client_closed", record.errorType());
        assertEquals("cancelled", record.attempts().get(0).outcome());
        assertTrue(record.completionTokens() > 0 && record.completionTokens() < 40, record.toString());
        assertEquals(record.totalTokens(), tpmOf("main"));
    }

    private long tpmOf(String provider) {
        return gateway.gateway().router().snapshot().stream()
                .filter(p -> p.name().equals(provider))
                .findFirst()
                .orElseThrow()
                .tpm();
    }

    @Test
    void rawStream_splitEventsAndCrlf_arriveIntact_withDone() throws Exception {
        upstream.enqueue(Behaviour.sse(TWENTY).splitEvents(true).crlf(true));

        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_BODY);

        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        String body = r.body();
        for (String t : TWENTY) {
            assertTrue(body.contains("\"content\":\"" + t + "\""), body);
        }
        assertTrue(body.contains("data: [DONE]"), body);
        assertFalse(body.contains("\"choices\":[]"), "usage-only chunk must be hidden: " + body);
    }

    @Test
    void providerResetMidStream_endsWithErrorEvent_andNoDone() throws Exception {
        upstream.enqueue(Behaviour.sse(TWENTY).resetAfter(3));

        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_BODY);

        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"error\":{"), r.body());
        assertFalse(r.body().contains("[DONE]"), r.body());
        assertEquals(0, backup.requests().size(), "no failover once bytes reached the client");
    }

    @Test
    void providerStallsMidStream_idleTimeoutEndsWithErrorEvent() throws Exception {
        upstream.enqueue(Behaviour.sse(TWENTY).stallAfter(2));
        long t0 = System.nanoTime();

        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_BODY);

        long took = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(r.body().contains("stalled"), r.body());
        assertFalse(r.body().contains("[DONE]"), r.body());
        assertTrue(took < 8000, "took " + took);
    }

    @Test
    void providerErrorStatusOnStream_reachesClientAsThatStatus() throws Exception {
        upstream.enqueue(Behaviour.error(400, "invalid_request_error", "bad temperature"));

        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_BODY);

        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("bad temperature"), r.body());
    }

    @Test
    void providerFailsBeforeFirstByte_streamFailsOverToNextProvider() throws Exception {
        upstream.enqueue(Behaviour.dropConnection());
        backup.enqueue(Behaviour.sse(List.of("from ", "spare")));

        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_BODY);

        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"content\":\"spare\""), r.body());
        assertTrue(r.body().contains("[DONE]"), r.body());
    }

    @Test
    void clientAbortMidStream_closesTheUpstreamConnection() throws Exception {
        upstream.enqueue(Behaviour.sse(TWENTY).paced(Duration.ofMillis(100)));
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            OutputStream out = socket.getOutputStream();
            byte[] body = STREAM_BODY.getBytes(StandardCharsets.UTF_8);
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            int n = in.read(buf);
            assertTrue(n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
        }
        assertTrue(
                upstream.awaitConnectionsClosed(1, Duration.ofSeconds(1)),
                "the gateway did not close the provider connection within 1 s of the client abort");
    }
}
