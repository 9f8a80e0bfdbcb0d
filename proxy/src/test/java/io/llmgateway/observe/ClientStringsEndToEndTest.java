package io.llmgateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.IoTransport;
import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.LogCapture;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawHttp;
import io.llmgateway.testing.TestJson;
import io.llmgateway.transport.Transport;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 24: whatever a client sends, what the gateway keeps about it (the request's record, its line in
 * agent_interactions.log, the admin's recent requests and errors) stays small, and a provider's address
 * reaches app.log only, never a client, a record or the admin rings.
 */
class ClientStringsEndToEndTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path logs;

    @RegisterExtension
    final MockUpstream upstream = MockUpstream.start();

    private TestGateway gateway(String providerUrl) throws Exception {
        return gateway(providerUrl, "auto");
    }

    private TestGateway gateway(String providerUrl, String transport) throws Exception {
        return TestGateway.start("""
                server:
                  transport: %s
                logging:
                  directory: %s
                routing:
                  max_attempts: 1
                api_provider:
                  p:
                    base_url: %s
                model_config:
                  gpt-4o:
                    p: {}
                """.formatted(transport, logs, providerUrl));
    }

    private static String chat(String model, String extraFields) {
        return "{\"model\":\"" + model + "\"," + extraFields + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    @Test
    void modelOfOneMebibyte_is400_andNothingKeptAboutItIsLarge() throws Exception {
        try (TestGateway g = gateway(upstream.baseUrl().toString())) {
            HttpResponse<String> r = g.post("/v1/chat/completions", chat("m".repeat(MIB), ""));

            assertEquals(400, r.statusCode(), r.body().length() > 500 ? r.body().substring(0, 500) : r.body());
            assertEquals("invalid_request_error", TestJson.at(TestJson.parse(r.body()), "error", "type"));
            assertEquals("model", TestJson.at(TestJson.parse(r.body()), "error", "param"));
            assertEquals("string_above_max_length", TestJson.at(TestJson.parse(r.body()), "error", "code"));
            assertTrue(r.body().length() < 1000, r.body().length() + " chars");
            assertEquals(0, upstream.requests().size());

            String line = logLines(1).get(0);
            assertTrue(line.length() < 2000, "interaction log line of " + line.length() + " chars");
            assertSmall(g, "/api/requests", 1);
            assertSmall(g, "/api/errors", 1);
        }
    }

    @Test
    void modelOfTwoHundredFiftySixBytes_isStillAModelName() throws Exception {
        try (TestGateway g = gateway(upstream.baseUrl().toString())) {
            String name = "\u00e9".repeat(128); // 256 bytes of UTF-8
            HttpResponse<String> r = g.post("/v1/chat/completions", chat(name, ""));

            assertEquals(404, r.statusCode(), r.body());
            assertTrue(r.body().contains(name), r.body());
            assertEquals(
                    400, g.post("/v1/chat/completions", chat(name + "e", "")).statusCode());
        }
    }

    @Test
    void longPathOfAnEndpointNoProviderTakes_isNotEchoedWhole() throws Exception {
        try (TestGateway g = gateway(upstream.baseUrl().toString())) {
            String path = "/v1/" + "q".repeat(3000) + "/jobs";
            String response;
            try (RawHttp raw = RawHttp.connect(g.port())) {
                response = raw.send(RawHttp.post(path, chat("gpt-4o", ""))).readResponse();
            }

            assertTrue(response.startsWith("HTTP/1.1 404 "), response.substring(0, Math.min(300, response.length())));
            assertTrue(response.length() < 2000, response.length() + " bytes");
            assertTrue(upstream.requests().isEmpty());
        }
    }

    @Test
    void longPathAndUserAndRequestId_areNotKeptWhole() throws Exception {
        upstream.setDefault(Behaviour.chatCompletion("hello"));
        try (TestGateway g = gateway(upstream.baseUrl().toString())) {
            String path = "/v1/chat/completions/" + "p".repeat(3000);
            String id = "i".repeat(20_000);
            String user = "u".repeat(MIB);
            String response;
            try (RawHttp raw = RawHttp.connect(g.port())) {
                response = raw.send(
                                RawHttp.post(path, chat("gpt-4o", "\"user\":\"" + user + "\","), "x-request-id: " + id))
                        .readResponse();
            }

            assertTrue(response.startsWith("HTTP/1.1 200 "), response.substring(0, Math.min(300, response.length())));
            String echoedId = headerValue(response, "x-request-id");
            assertTrue(echoedId.length() <= 128, echoedId.length() + " chars");
            assertEquals(path, upstream.requests().get(0).uri(), "the provider still gets the whole path");
            Map<String, Object> line = parsed(logLines(1).get(0));
            assertEquals(echoedId, line.get("request_id"));
            String kept = (String) line.get("path");
            assertTrue(kept.startsWith("/chat/completions/ppp") && kept.endsWith("...") && kept.length() <= 259, kept);
            assertTrue(logLines(1).get(0).length() < 2000, logLines(1).get(0).length() + " chars");
            assertSmall(g, "/api/requests", 1);
        }
    }

    /** Asked through Transport, which must initialise before Netty's IoUring class reads its settings. */
    static Stream<String> transports() {
        return Stream.of(IoTransport.IO_URING, IoTransport.EPOLL, IoTransport.NIO)
                .filter(Transport::isAvailable)
                .map(IoTransport::configName);
    }

    /** Each transport words its connect errors differently; NIO's and epoll's name the address. */
    @ParameterizedTest
    @MethodSource("transports")
    void providerOnAClosedPort_is502NamingTheKindOfFailure_addressOnlyInAppLog(String transport) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String address = "127.0.0.1:" + port;
        try (LogCapture appLog = LogCapture.of("io.llmgateway.server.ProxyExchange");
                TestGateway g = gateway("http://" + address, transport)) {
            HttpResponse<String> r = g.post("/v1/chat/completions", chat("gpt-4o", ""));

            assertEquals(502, r.statusCode(), r.body());
            assertTrue(r.body().contains("p: connection refused"), r.body());
            assertNoAddress(r.body(), port);
            assertNoAddress(logLines(1).get(0), port);
            assertNoAddress(awaitEntries(g, "/api/errors", 1), port);
            assertNoAddress(awaitEntries(g, "/api/requests", 1), port);
            assertTrue(
                    appLog.messages().stream().anyMatch(m -> m.contains(":" + port)),
                    appLog.messages().toString());
        }
    }

    private static void assertNoAddress(String text, int port) {
        assertFalse(text.contains("127.0.0.1") || text.contains(Integer.toString(port)), text);
    }

    private static String headerValue(String response, String name) {
        for (String headerLine :
                response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
            if (headerLine.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return headerLine.substring(name.length() + 1).trim();
            }
        }
        throw new AssertionError("no " + name + " in " + response);
    }

    /** The admin API's answer at {@code path} once it lists {@code count} entries is a few KiB at most. */
    private static void assertSmall(TestGateway g, String path, int count) throws Exception {
        String body = awaitEntries(g, path, count);
        assertTrue(body.length() < 4000, path + " answered " + body.length() + " chars");
    }

    /** Polls an admin list ({@code /api/requests} or {@code /api/errors}) until it has {@code count} entries. */
    private static String awaitEntries(TestGateway g, String path, int count) throws Exception {
        String key = path.substring(path.lastIndexOf('/') + 1);
        String[] body = new String[1];
        // The admin thread drains finished requests asynchronously.
        Await.until(count + " entries in " + path, () -> {
            HttpResponse<String> r;
            try {
                r = g.get(path);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
            assertEquals(200, r.statusCode(), r.body());
            body[0] = r.body();
            return ((List<?>) TestJson.at(TestJson.parse(r.body()), key)).size() >= count;
        });
        assertEquals(count, ((List<?>) TestJson.at(TestJson.parse(body[0]), key)).size(), body[0]);
        return body[0];
    }

    private List<String> logLines(int count) throws Exception {
        InteractionLines.await(logs, count);
        return InteractionLines.read(logs.resolve("agent_interactions.log"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parsed(String line) {
        return (Map<String, Object>) TestJson.parse(line);
    }
}
