package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.llmgateway.config.ServerSettings;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawHttp;
import io.llmgateway.testing.TestCa;
import io.llmgateway.tls.TlsEngine;
import io.netty.handler.ssl.OpenSsl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: the TLS listener serves what the plain one serves (proxy, admin, metrics) to real clients that
 * trust a CA made at test time: a raw TLS socket, the OpenAI SDK, the JDK's HttpClient and curl.
 */
class TlsEndToEndTest {
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM =
            "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String TOKEN = "admin-token-for-the-tls-test-0123456789";

    @TempDir
    static Path dir;

    private static TestCa ca;
    private static TestCa.ServerFiles server;
    private MockUpstream upstream;

    @BeforeAll
    static void certificates() throws Exception {
        ca = TestCa.create("test-ca");
        server = ca.issue(dir, "server", "gateway");
    }

    @BeforeEach
    void startUpstream() {
        upstream = MockUpstream.start();
    }

    @AfterEach
    void stopUpstream() {
        upstream.close();
    }

    private String config(String port, String tlsExtra) {
        return """
                server:
                  %s
                  tls:
                    cert_file: %s
                    key_file: %s
                    %s
                admin:
                  token: %s
                api_provider:
                  p: {base_url: "%s", api_key: provider-key}
                model_config:
                  m: {p: {}}
                """.formatted(port, server.cert(), server.key(), tlsExtra, TOKEN, upstream.baseUrl());
    }

    @Test
    void rawTlsClient_getsJsonAndSseStream_overHttp11() throws Exception {
        try (TestGateway g = TestGateway.start(config("", ""));
                RawHttp tls = RawHttp.connectTls(g.tlsPort(), ca.sslContext())) {
            assertEquals("http/1.1", tls.applicationProtocol(), "ALPN offers http/1.1");
            upstream.enqueue(Behaviour.chatCompletion("over tls"));
            String json = tls.send(RawHttp.post("/v1/chat/completions", CHAT)).readResponse();
            assertTrue(json.startsWith("HTTP/1.1 200"), json);
            assertTrue(json.contains("over tls"), json);

            upstream.enqueue(Behaviour.sse(List.of("one ", "two ", "three")));
            String sse = tls.send(RawHttp.post("/v1/chat/completions", STREAM))
                    .readUntil(s -> s.contains("data: [DONE]"), 10_000);
            assertTrue(sse.startsWith("HTTP/1.1 200"), sse);
            assertTrue(sse.toLowerCase().contains("content-type: text/event-stream"), sse);
            assertTrue(sse.contains("\"one \"") && sse.contains("\"three\""), sse);
            assertEquals(
                    "Bearer provider-key",
                    upstream.takeRequest(Duration.ofSeconds(5)).header("authorization"));
        }
    }

    @Test
    void openAiSdk_trustingTheTestCa_completesAndStreams() throws Exception {
        try (TestGateway g = TestGateway.start(config("", ""))) {
            OpenAIClient client = OpenAIOkHttpClient.builder()
                    .baseUrl(g.tlsUrl("/v1"))
                    .apiKey("client-key")
                    .sslSocketFactory(ca.sslContext().getSocketFactory())
                    .trustManager(ca.trustManager())
                    .maxRetries(0)
                    .timeout(Duration.ofSeconds(20))
                    .build();
            upstream.enqueue(Behaviour.chatCompletion("sdk over tls"));
            ChatCompletion answer = client.chat()
                    .completions()
                    .create(ChatCompletionCreateParams.builder()
                            .model("m")
                            .addUserMessage("hi")
                            .build());
            assertEquals(
                    "sdk over tls", answer.choices().get(0).message().content().orElseThrow());

            upstream.enqueue(Behaviour.sse(List.of("a", "b", "c")));
            StringBuilder text = new StringBuilder();
            try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                    .completions()
                    .createStreaming(ChatCompletionCreateParams.builder()
                            .model("m")
                            .addUserMessage("hi")
                            .build())) {
                stream.stream()
                        .forEach(c ->
                                c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
            }
            assertEquals("abc", text.toString());
        }
    }

    @Test
    void adminAndMetrics_overTls_andTheSessionCookieIsSecureThereOnly() throws Exception {
        try (TestGateway g = TestGateway.start(config("", ""))) {
            HttpClient https = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .sslContext(ca.sslContext())
                    .build();
            assertEquals(200, get(https, g.tlsUrl("/admin")).statusCode());
            HttpResponse<String> metrics = https.send(
                    HttpRequest.newBuilder(URI.create(g.tlsUrl("/metrics")))
                            .header("authorization", "Bearer " + TOKEN)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode(), metrics.body());
            assertEquals(200, get(https, g.tlsUrl("/v1/models")).statusCode());

            String overTls = login(https, g.tlsUrl("/api/login"));
            String plain = login(g.http(), g.url("/api/login"));

            assertTrue(overTls.contains("; Secure;"), overTls);
            assertTrue(overTls.contains("; HttpOnly;"), overTls);
            assertFalse(plain.contains("Secure"), plain);
            HttpResponse<String> session = https.send(
                    HttpRequest.newBuilder(URI.create(g.tlsUrl("/api/session")))
                            .header("cookie", overTls.substring(0, overTls.indexOf(';')))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(session.body().contains("\"authenticated\":true"), session.body());
        }
    }

    @Test
    void portZero_leavesOnlyTheTlsListener() throws Exception {
        try (TestGateway g = TestGateway.start(config("port: 0", "protocols: [TLSv1.2]"));
                RawHttp tls = RawHttp.connectTls(g.tlsPort(), ca.sslContext())) {
            assertEquals(ServerSettings.NO_LISTENER, g.port());
            assertEquals("TLSv1.2", tls.tlsSession().getProtocol(), "protocols: [TLSv1.2] is honoured");
            String r = tls.send("GET /v1/models HTTP/1.1\r\nHost: gw\r\n\r\n").readResponse();
            assertTrue(r.startsWith("HTTP/1.1 200"), r);
        }
    }

    @Test
    void curl_withTheCaFile_getsAnAnswer() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        Path caPem = ca.writeCaPem(dir.resolve("ca.pem"));
        try (TestGateway g = TestGateway.start(config("", ""))) {
            upstream.enqueue(Behaviour.chatCompletion("curl over tls"));
            Process p = new ProcessBuilder(
                            "/usr/bin/curl",
                            "-sS",
                            "--http1.1",
                            "--cacert",
                            caPem.toString(),
                            "-H",
                            "content-type: application/json",
                            "-d",
                            CHAT,
                            g.tlsUrl("/v1/chat/completions").replace("127.0.0.1", "localhost"))
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("curl over tls"), out);
        }
    }

    @Test
    void jdkEngine_whenForced_servesTheSame() throws Exception {
        System.setProperty(TlsEngine.PROPERTY, "jdk");
        try (TestGateway g = TestGateway.start(config("", ""));
                RawHttp tls = RawHttp.connectTls(g.tlsPort(), ca.sslContext())) {
            upstream.enqueue(Behaviour.chatCompletion("jdk engine"));
            String json = tls.send(RawHttp.post("/v1/chat/completions", CHAT)).readResponse();
            assertTrue(json.startsWith("HTTP/1.1 200") && json.contains("jdk engine"), json);
            assertEquals("http/1.1", tls.applicationProtocol());
        } finally {
            System.clearProperty(TlsEngine.PROPERTY);
        }
    }

    @Test
    void engine_isOpenSslWhereItLoads() {
        assertTrue(OpenSsl.isAvailable(), "netty-tcnative loads on linux-x86_64: " + OpenSsl.unavailabilityCause());
        assertTrue(TlsEngine.describe(TlsEngine.provider()).startsWith("OpenSSL"));
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String login(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + TOKEN + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, r.statusCode(), r.body());
        return r.headers().firstValue("set-cookie").orElseThrow();
    }
}
