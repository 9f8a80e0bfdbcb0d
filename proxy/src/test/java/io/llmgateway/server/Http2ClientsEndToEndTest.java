package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.TestCa;
import io.netty.handler.codec.http2.Http2FrameCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: OkHttp, the OpenAI SDK's HTTP client, negotiates h2 with the TLS listener by ALPN, and the SDK
 * completes and streams over it.
 */
class Http2ClientsEndToEndTest {
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM =
            "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;

    @Test
    void okHttpAndTheOpenAiSdk_speakH2OverTls() throws Exception {
        TestCa ca = TestCa.create("test-ca");
        TestCa.ServerFiles server = ca.issue(dir, "server", "gateway");
        try (MockUpstream upstream = MockUpstream.start();
                TestGateway g = TestGateway.start("""
                        server:
                          tls: {cert_file: %s, key_file: %s}
                        api_provider:
                          p: {base_url: "%s", api_key: provider-key}
                        model_config:
                          m: {p: {}}
                        """.formatted(server.cert(), server.key(), upstream.baseUrl()))) {
            String base = g.tlsUrl("/v1").replace("127.0.0.1", "localhost");
            OkHttpClient ok = new OkHttpClient.Builder()
                    .sslSocketFactory(ca.sslContext().getSocketFactory(), ca.trustManager())
                    .build();
            MediaType json = MediaType.get("application/json");
            upstream.enqueue(Behaviour.chatCompletion("okhttp over h2"));
            try (Response r = ok.newCall(new Request.Builder()
                            .url(base + "/chat/completions")
                            .post(RequestBody.create(CHAT, json))
                            .build())
                    .execute()) {
                assertEquals(Protocol.HTTP_2, r.protocol());
                assertEquals(200, r.code());
                assertTrue(r.body().string().contains("okhttp over h2"));
            }
            upstream.enqueue(Behaviour.sse(List.of("x", "y")));
            try (Response r = ok.newCall(new Request.Builder()
                            .url(base + "/chat/completions")
                            .post(RequestBody.create(STREAM, json))
                            .build())
                    .execute()) {
                assertEquals(Protocol.HTTP_2, r.protocol());
                assertTrue(r.body().string().contains("data: [DONE]"));
            }
            ok.dispatcher().executorService().shutdown();
            ok.connectionPool().evictAll();
            Await.until("OkHttp's connection is closed", () -> h2Connections(g) == 0);

            OpenAIClient sdk = OpenAIOkHttpClient.builder()
                    .baseUrl(base)
                    .apiKey("client-key")
                    .sslSocketFactory(ca.sslContext().getSocketFactory())
                    .trustManager(ca.trustManager())
                    .maxRetries(0)
                    .timeout(Duration.ofSeconds(20))
                    .build();
            try {
                upstream.enqueue(Behaviour.chatCompletion("sdk over h2"));
                ChatCompletion c = sdk.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("m")
                                .addUserMessage("hi")
                                .build());
                assertEquals(
                        "sdk over h2", c.choices().get(0).message().content().orElseThrow());
                upstream.enqueue(Behaviour.sse(List.of("a", "b", "c")));
                StringBuilder text = new StringBuilder();
                try (StreamResponse<ChatCompletionChunk> s = sdk.chat()
                        .completions()
                        .createStreaming(ChatCompletionCreateParams.builder()
                                .model("m")
                                .addUserMessage("hi")
                                .build())) {
                    s.stream()
                            .forEach(chunk -> chunk.choices()
                                    .forEach(ch -> ch.delta().content().ifPresent(text::append)));
                }
                assertEquals("abc", text.toString());
                assertEquals(1, h2Connections(g), "the SDK's connection speaks h2");
            } finally {
                sdk.close();
            }
        }
    }

    private static long h2Connections(TestGateway g) {
        return g.gateway().connections().stream()
                .filter(ch -> ch.pipeline().get(Http2FrameCodec.class) != null)
                .count();
    }
}
