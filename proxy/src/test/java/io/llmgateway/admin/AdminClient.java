package io.llmgateway.admin;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.TestJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Talks to a test gateway's admin API like the page does (JSON bodies, Content-Type application/json),
 * optionally with credentials, and keeps every response so a test can check that no secret ever left.
 */
final class AdminClient {
    private final TestGateway gateway;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String[] auth;
    private final List<HttpResponse<String>> seen = new ArrayList<>();

    AdminClient(TestGateway gateway, String... authHeaders) {
        this.gateway = gateway;
        this.auth = authHeaders;
    }

    AdminClient with(String... authHeaders) {
        return new AdminClient(gateway, authHeaders);
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        return send(base(path, headers).GET().build());
    }

    HttpResponse<String> post(String path, String json, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = base(path, headers);
        if (!hasHeader(headers, "content-type")) {
            b.header("content-type", "application/json");
        }
        return send(b.POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private HttpRequest.Builder base(String path, String... headers) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(gateway.url(path))).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < auth.length; i += 2) {
            b.header(auth[i], auth[i + 1]);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    private static boolean hasHeader(String[] headers, String name) {
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        synchronized (seen) {
            seen.add(r);
        }
        return r;
    }

    /** Every response this client received, headers and body as text. */
    List<String> transcript() {
        List<String> out = new ArrayList<>();
        synchronized (seen) {
            for (HttpResponse<String> r : seen) {
                out.add(r.headers().map() + "\n" + r.body());
            }
        }
        return out;
    }

    static Object json(HttpResponse<String> r) {
        return TestJson.parse(r.body());
    }

    static Object at(HttpResponse<String> r, Object... path) {
        return TestJson.at(json(r), path);
    }

    long version() throws IOException, InterruptedException {
        return (Long) at(get("/api/config"), "version");
    }

    /** Applies changes on the current version. */
    HttpResponse<String> edit(String changesJson) throws IOException, InterruptedException {
        return post("/api/config/edit", "{\"version\":" + version() + ",\"changes\":" + changesJson + "}");
    }

    /** The status object of a provider. */
    @SuppressWarnings("unchecked")
    Map<String, Object> provider(String name) throws IOException, InterruptedException {
        List<Object> providers = (List<Object>) at(get("/api/status"), "providers");
        for (Object p : providers) {
            if (name.equals(((Map<String, Object>) p).get("name"))) {
                return (Map<String, Object>) p;
            }
        }
        throw new AssertionError("no provider " + name);
    }

    /** Sends a raw HTTP/1.1 request (e.g. with a Host header the JDK client will not set) and returns the status. */
    int rawStatus(String method, String path, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(head.substring(9, 12));
        }
    }
}
