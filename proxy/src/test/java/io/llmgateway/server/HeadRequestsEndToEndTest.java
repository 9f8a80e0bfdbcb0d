package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.RawHttp;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * HEAD requests get the GET's head and no body, whatever the path: a body after a HEAD's head would be read
 * as the start of the next response on the connection.
 */
class HeadRequestsEndToEndTest {
    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ");
    private static final Pattern LENGTH = Pattern.compile("(?im)^content-length: *(\\d+)");
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start("""
                admin:
                  token: head-test-admin-token
                api_provider:
                  p:
                    base_url: http://127.0.0.1:9
                model_config:
                  gpt-4o:
                    p: {}
                """);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @ParameterizedTest
    @CsvSource({
        "/healthz, 200",
        "/v1/models, 200",
        "/v1/models/gpt-4o, 200",
        "/v1/models/nope, 404",
        "/admin, 200",
        "/admin/admin.css, 200",
        "/api/status, 401",
        "/api/usage, 401",
        "/metrics, 401",
        "/, 302",
        "/no/such/path, 404",
        "/v1/chat/completions, 404",
    })
    void head_getsTheGetsHeadWithoutABody_andTheConnectionStaysInStep(String path, int status) throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            String get = c.send("GET " + path + " HTTP/1.1\r\nHost: gw\r\n\r\n").readResponse();
            c.send("HEAD " + path + " HTTP/1.1\r\nHost: gw\r\n\r\n");
            String head = c.readHead();
            // The next answer on the connection must start right after the HEAD's head.
            String next = c.send("GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n").readResponse();

            assertEquals(status, status(get), get);
            assertEquals(status, status(head), head);
            if (!get.contains("Unknown request URL: GET")) { // else the HEAD's body would name HEAD instead
                assertEquals(length(get), length(head), "a HEAD's Content-Length is the GET's: " + head);
            }
            assertEquals(200, status(next), "the answer after the HEAD: " + next);
            assertTrue(next.endsWith("{\"status\":\"ok\"}"), next);
        }
    }

    @ParameterizedTest
    @CsvSource({"/metrics", "/api/usage", "/api/status"})
    void head_withAdminAccess_is200WithoutABody(String path) throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            String head = c.send("HEAD " + path + " HTTP/1.1\r\nHost: gw\r\nx-admin-token: head-test-admin-token\r\n"
                            + "\r\n")
                    .readHead();
            String next = c.send("GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n").readResponse();

            assertEquals(200, status(head), head);
            assertTrue(Long.parseLong(length(head)) > 0, "the GET's length is announced: " + head);
            assertEquals(200, status(next), "the answer after the HEAD: " + next);
        }
    }

    private static int status(String response) {
        Matcher m = STATUS.matcher(response);
        assertTrue(m.find(), "not an HTTP/1.1 response: " + response);
        return Integer.parseInt(m.group(1));
    }

    private static String length(String response) {
        Matcher m = LENGTH.matcher(response);
        return m.find() ? m.group(1) : "none";
    }
}
