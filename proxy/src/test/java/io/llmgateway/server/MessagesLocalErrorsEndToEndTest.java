package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawHttp;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own answers to requests it cannot even read, over raw sockets: on Anthropic's paths they are in
 * Anthropic's error shape, including those made by the connection's handlers before a dialect has read anything
 * (the request deadline, framing and header limits); on every other path, and while the request line has not
 * arrived, in OpenAI's.
 */
class MessagesLocalErrorsEndToEndTest {
    private static final String KEY = "sk-local-errors-0123";
    private static MockUpstream upstream;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = MockUpstream.start();
        gateway = TestGateway.start("""
                server:
                  max_headers: 20
                  max_header_size: 4KiB
                  request_timeout: 400ms
                  idle_timeout: 5s
                gateway:
                  api_keys:
                    - %s
                api_provider:
                  claude:
                    api: anthropic
                    base_url: %s
                model_config:
                  claude-sonnet:
                    claude: {}
                """.formatted(KEY, upstream.baseUrl()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static void assertAnthropicError(String response, int status, String type, String text) {
        assertTrue(response.startsWith("HTTP/1.1 " + status + " "), response);
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertTrue(body.startsWith("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":"), response);
        assertTrue(body.contains(text), response);
    }

    private static void assertOpenAiError(String response, int status, String text) {
        assertTrue(response.startsWith("HTTP/1.1 " + status + " "), response);
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertTrue(body.startsWith("{\"error\":{"), response);
        assertTrue(body.contains(text), response);
    }

    /** Sends {@code request} on a new connection; what comes back until the gateway closes it. */
    private static String answerTo(String request) throws IOException {
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            return c.send(request).readUntilClose(5000);
        }
    }

    @Test
    void slowBody_onMessages_gets408InAnthropicsShape() throws Exception {
        assertAnthropicError(
                answerTo("POST /v1/messages HTTP/1.1\r\nHost: gw\r\nx-api-key: " + KEY
                        + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":"),
                408,
                "invalid_request_error",
                "server.request_timeout");
    }

    @Test
    void slowHeaders_onCountTokens_get408InAnthropicsShape() throws Exception {
        assertAnthropicError(
                answerTo("POST /v1/messages/count_tokens HTTP/1.1\r\nHost: gw\r\nx-api-k"),
                408,
                "invalid_request_error",
                "server.request_timeout");
    }

    @Test
    void slowHeaders_onChatCompletions_get408InOpenAisShape() throws Exception {
        assertOpenAiError(
                answerTo("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n"), 408, "server.request_timeout");
    }

    @Test
    void slowRequestLine_afterAMessagesRequest_gets408InOpenAisShape() throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            String first = c.send("GET /v1/messages HTTP/1.1\r\nHost: gw\r\nx-api-key: " + KEY + "\r\n\r\n")
                    .readResponse();
            assertAnthropicError(first, 404, "not_found_error", "Unknown request URL");
            // The next request's path has not arrived: it is not the previous request's.
            c.send("POST /v1/chat/compl");
            assertOpenAiError(c.readUntilClose(5000), 408, "server.request_timeout");
        }
    }

    @Test
    void tooManyHeaders_onMessages_get431InAnthropicsShape() throws Exception {
        StringBuilder head = new StringBuilder("POST /v1/messages HTTP/1.1\r\nHost: gw\r\n");
        for (int i = 0; i < 25; i++) {
            head.append("x-h").append(i).append(": v\r\n");
        }
        assertAnthropicError(
                answerTo(head.append("Content-Length: 0\r\n\r\n").toString()),
                431,
                "invalid_request_error",
                "server.max_headers");
    }

    @Test
    void headersTooLarge_onMessages_get431InAnthropicsShape() throws Exception {
        assertAnthropicError(
                answerTo("POST /v1/messages HTTP/1.1\r\nHost: gw\r\nx-big: " + "v".repeat(5000)
                        + "\r\nContent-Length: 0\r\n\r\n"),
                431,
                "invalid_request_error",
                "server.max_header_size");
    }

    @Test
    void ambiguousFraming_onMessages_gets400InAnthropicsShape() throws Exception {
        assertAnthropicError(
                answerTo("POST /v1/messages HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                400,
                "invalid_request_error",
                "Transfer-Encoding");
    }

    @Test
    void missingKey_onMessages_gets401InAnthropicsShape_beforeItsBody() throws Exception {
        assertAnthropicError(
                answerTo("POST /v1/messages HTTP/1.1\r\nHost: gw\r\nContent-Length: 100\r\n\r\n"),
                401,
                "authentication_error",
                "x-api-key");
    }

    @Test
    void unsupportedExpectation_onMessages_gets417InAnthropicsShape() throws Exception {
        assertAnthropicError(
                answerTo("POST /v1/messages HTTP/1.1\r\nHost: gw\r\nx-api-key: " + KEY
                        + "\r\nExpect: 200-ok\r\nContent-Length: 5\r\n\r\n"),
                417,
                "invalid_request_error",
                "Expect");
    }

    @Test
    void unsupportedExpectation_onChatCompletions_gets417InOpenAisShape() throws Exception {
        assertOpenAiError(
                answerTo("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nx-api-key: " + KEY
                        + "\r\nExpect: 200-ok\r\nContent-Length: 5\r\n\r\n"),
                417,
                "Expect");
    }
}
