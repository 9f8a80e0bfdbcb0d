package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawHttp;
import io.llmgateway.testing.TestCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: curl speaks HTTP/2 to the gateway, h2 over TLS (ALPN) and h2c with prior knowledge on the plain port,
 * and gets the same answers as over HTTP/1.1: JSON, an SSE stream, the models list, an error, with no header
 * that HTTP/2 forbids.
 */
class Http2CurlEndToEndTest {
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM =
            "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    static Path dir;

    private static TestCa ca;
    private static TestCa.ServerFiles server;
    private static Path caPem;
    private MockUpstream upstream;

    @BeforeAll
    static void certificates() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        ca = TestCa.create("test-ca");
        server = ca.issue(dir, "server", "gateway");
        caPem = ca.writeCaPem(dir.resolve("ca.pem"));
    }

    @BeforeEach
    void startUpstream() {
        upstream = MockUpstream.start();
    }

    @AfterEach
    void stopUpstream() {
        upstream.close();
    }

    private String config(boolean http2) {
        return """
                server:
                  http2: %s
                  tls:
                    cert_file: %s
                    key_file: %s
                api_provider:
                  p: {base_url: "%s", api_key: provider-key}
                model_config:
                  m: {p: {}}
                """.formatted(http2, server.cert(), server.key(), upstream.baseUrl());
    }

    @Test
    void priorKnowledge_onThePlainPort_chatStreamModelsAndErrors() throws Exception {
        try (TestGateway g = TestGateway.start(config(true))) {
            upstream.enqueue(Behaviour.chatCompletion("over h2c"));
            Curl json = curl("--http2-prior-knowledge", "-d", CHAT, g.url("/v1/chat/completions"));
            assertEquals("2", json.version(), json.out);
            assertEquals(200, json.status(), json.out);
            assertTrue(json.out.contains("over h2c"), json.out);
            assertNoHopByHopHeaders(json);

            upstream.enqueue(Behaviour.sse(List.of("one ", "two ", "three")));
            Curl sse = curl("--http2-prior-knowledge", "-N", "-d", STREAM, g.url("/v1/chat/completions"));
            assertEquals("2", sse.version(), sse.out);
            assertTrue(sse.headers.contains("content-type: text/event-stream"), sse.out);
            assertTrue(sse.out.contains("\"one \"") && sse.out.contains("\"three\"") && sse.out.contains("[DONE]"));
            assertNoHopByHopHeaders(sse);

            Curl models = curl("--http2-prior-knowledge", g.url("/v1/models"));
            assertEquals(200, models.status(), models.out);
            assertTrue(models.out.contains("\"id\":\"m\""), models.out);

            Curl missing = curl("--http2-prior-knowledge", g.url("/v1/nowhere"));
            assertEquals(404, missing.status(), missing.out);
            assertTrue(missing.out.contains("\"unknown_url\""), missing.out);
            assertEquals(
                    "Bearer provider-key",
                    upstream.takeRequest(Duration.ofSeconds(5)).header("authorization"));
        }
    }

    @Test
    void h2OverTls_isChosenByAlpn() throws Exception {
        try (TestGateway g = TestGateway.start(config(true))) {
            upstream.enqueue(Behaviour.chatCompletion("h2 over tls"));
            Curl json = curl("--http2", "-d", CHAT, tls(g, "/v1/chat/completions"));
            assertEquals("2", json.version(), json.out);
            assertEquals(200, json.status(), json.out);
            assertTrue(json.out.contains("h2 over tls"), json.out);

            upstream.enqueue(Behaviour.sse(List.of("a", "b")));
            Curl sse = curl("--http2", "-N", "-d", STREAM, tls(g, "/v1/chat/completions"));
            assertEquals("2", sse.version(), sse.out);
            assertTrue(sse.out.contains("[DONE]"), sse.out);
            assertNoHopByHopHeaders(sse);

            // A client that asks for HTTP/1.1 still gets it.
            Curl old = curl("--http1.1", tls(g, "/healthz"));
            assertEquals("1.1", old.version(), old.out);
            assertEquals(200, old.status(), old.out);
        }
    }

    @Test
    void http2Off_alpnPicksHttp11_andAPrefaceIsRefused() throws Exception {
        try (TestGateway g = TestGateway.start(config(false))) {
            Curl tls = curl("--http2", tls(g, "/healthz"));
            assertEquals("1.1", tls.version(), tls.out);
            assertEquals(200, tls.status(), tls.out);

            Curl plain = curl("--http2-prior-knowledge", g.url("/healthz"));
            assertFalse(plain.exit == 0 && plain.status() == 200, plain.out);
            try (RawHttp raw = RawHttp.connect(g.port())) {
                String answer = raw.send(String.join("\r\n", "PRI * HTTP/2.0", "", "SM", "", ""))
                        .readUntilClose(10_000);
                assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
                assertTrue(answer.contains("server.http2: false"), answer);
            }
        }
    }

    private static String tls(TestGateway g, String path) {
        return g.tlsUrl(path).replace("127.0.0.1", "localhost");
    }

    private static void assertNoHopByHopHeaders(Curl c) {
        for (String name : List.of("connection:", "keep-alive:", "transfer-encoding:", "x-http2-")) {
            assertFalse(c.headers.contains(name), name + " in " + c.headers);
        }
    }

    /** Runs curl, printing the response head first (-i); everything in {@code out}, the head also lower-cased. */
    private static Curl curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "/usr/bin/curl",
                "-sS",
                "-i",
                "--max-time",
                "20",
                "--cacert",
                caPem.toString(),
                "-H",
                "content-type: application/json"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        int end = out.indexOf("\r\n\r\n");
        String head = (end < 0 ? out : out.substring(0, end)).toLowerCase(Locale.ROOT);
        return new Curl(p.exitValue(), out, head);
    }

    private record Curl(int exit, String out, String headers) {
        /** The HTTP version of the status line: "2" or "1.1". */
        String version() {
            return headers.startsWith("http/2 ") ? "2" : headers.startsWith("http/1.1 ") ? "1.1" : headers;
        }

        int status() {
            String[] parts = headers.split(" ", 3);
            return parts.length > 1 && parts[1].length() >= 3 ? Integer.parseInt(parts[1].substring(0, 3)) : -1;
        }
    }
}
