package io.llmgateway.observe;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.Main;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7: no secret ever reaches a log line or a response. Every secret gets its own unique canary
 * string; a real gateway process (Main, the shipped log4j2.xml, debug level, bodies logged) serves
 * successes, streams, failovers, a refused key, a dead provider, rate-limit refusals, client errors and
 * the management endpoints; then app.log, agent_interactions.log, everything the process printed and
 * every response (status line, headers, body) are searched for each canary.
 */
class SecretCanaryTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+) ");

    @TempDir
    Path dir;

    private final String goodKey = canary("provider-good");
    private final String badKey = canary("provider-bad");
    private final String deadKey = canary("provider-dead");
    private final String adminToken = canary("admin-token");
    private final String clientKey = canary("client-authorization");
    private final String clientApiKey = canary("client-x-api-key");
    private final Map<String, String> canaries = new LinkedHashMap<>();

    private MockUpstream good;
    private MockUpstream bad;
    private Process gateway;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private Thread consolePump;
    private final List<String> responses = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private String base;

    private static String canary(String what) {
        return "canary-" + what + "-" + UUID.randomUUID();
    }

    @BeforeEach
    void start() throws Exception {
        canaries.put("good provider key", goodKey);
        canaries.put("bad provider key", badKey);
        canaries.put("dead provider key", deadKey);
        canaries.put("admin token", adminToken);
        canaries.put("client Authorization", clientKey);
        canaries.put("client x-api-key", clientApiKey);
        good = MockUpstream.start();
        bad = MockUpstream.start();
        bad.setDefault(Behaviour.error(401, "invalid_request_error", "Incorrect API key provided"));
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        good.close();
        bad.close();
    }

    @Test
    void noSecretInAnyLogOrResponse() throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, """
                logging:
                  directory: %s
                  level: debug
                  log_bodies: true
                admin:
                  token: ${ADMIN_TOKEN}
                api_provider:
                  bad:
                    base_url: %s
                    api_key: ${BAD_KEY}
                  dead:
                    base_url: http://127.0.0.1:1/v1
                    api_key: ${DEAD_KEY}
                  good:
                    base_url: %s
                    api_key: ${GOOD_KEY}
                    limits: {rpm: 8}
                model_config:
                  gpt-4o:
                    bad: {}
                    dead: {}
                    good: {}
                  gpt-4o-mini:
                    good: {}
                """.formatted(dir.resolve("log"), bad.baseUrl(), good.baseUrl()));
        startGateway(config);

        // Proxied traffic: the refused key opens bad's circuit, dead refuses connections, good answers.
        send(post("/v1/chat/completions", CHAT));
        send(post("/v1/chat/completions", CHAT.replace("}]}", "}],\"stream\":true}")));
        good.enqueue(Behaviour.error(500, "server_error", "boom"));
        send(post("/v1/chat/completions", CHAT.replace("gpt-4o", "gpt-4o-mini")));
        good.enqueue(Behaviour.sse("a", "b").resetAfter(1));
        send(post("/v1/chat/completions", CHAT.replace("}]}", "}],\"stream\":true}")));
        for (int i = 0; i < 6; i++) {
            send(post("/v1/chat/completions", CHAT.replace("gpt-4o", "gpt-4o-mini"))); // ends in 429s (rpm 8)
        }
        send(post("/v1/chat/completions", CHAT.replace("gpt-4o", "no-such-model")));
        send(post("/v1/chat/completions", "{broken json"));
        // The management paths, with the right token, a wrong one, none, and the client's key.
        send(get("/metrics").header("authorization", "Bearer " + adminToken));
        send(get("/api/usage").header("x-admin-token", adminToken));
        send(get("/metrics").header("authorization", "Bearer " + clientKey));
        send(get("/api/usage"));
        send(get("/v1/models"));
        send(get("/healthz"));

        assertTrue(responses.stream().anyMatch(r -> r.startsWith("429")), "a rate-limit refusal was exercised");
        assertTrue(responses.stream().anyMatch(r -> r.startsWith("401")), "an admin refusal was exercised");
        assertTrue(responses.stream().anyMatch(r -> r.contains("llm_gateway_requests_total")), "metrics were read");

        gateway.destroy(); // SIGTERM: the shutdown hook flushes the asynchronous logs
        assertTrue(gateway.waitFor(20, TimeUnit.SECONDS), "gateway did not stop");
        consolePump.join(10_000); // the console's last lines
        assertFalse(consolePump.isAlive(), "the console pump did not reach the end of the output");

        Map<String, String> places = new LinkedHashMap<>();
        places.put("console", console.toString(StandardCharsets.UTF_8));
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            for (Path f : files.toList()) {
                places.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        for (int i = 0; i < responses.size(); i++) {
            places.put("response " + i, responses.get(i));
        }

        // The test proves something only if the logs hold what happened.
        String appLog = places.get("app.log");
        String interactions = places.get("agent_interactions.log");
        assertNotNull(appLog, places.keySet().toString());
        assertNotNull(interactions, places.keySet().toString());
        assertTrue(appLog.contains("circuit of provider bad opened"), appLog);
        assertTrue(appLog.contains("attempt 1 failed"), appLog);
        assertTrue(places.get("console").contains("circuit of provider bad opened"), "console mirrors app.log");
        assertEquals(responses.size() - 6, interactions.lines().count(), "one line per proxied request");
        assertTrue(interactions.contains("\"request_body\""), "bodies were logged");

        List<String> leaks = new ArrayList<>();
        for (Map.Entry<String, String> place : places.entrySet()) {
            for (Map.Entry<String, String> c : canaries.entrySet()) {
                if (place.getValue().contains(c.getValue())) {
                    leaks.add(c.getKey() + " in " + place.getKey());
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    private HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + clientKey)
                .header("x-api-key", clientApiKey)
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).GET();
    }

    private void send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r =
                http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        responses.add(r.statusCode() + " " + r.headers().map() + "\n" + r.body());
    }

    private void startGateway(Path config) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Dlog4j2.configurationFile=log4j2.xml"); // the shipped configuration, not log4j2-test.xml
        cmd.add(Main.class.getName());
        cmd.addAll(List.of("--config", config.toString(), "--port", "0"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("ADMIN_TOKEN", adminToken);
        pb.environment().put("GOOD_KEY", goodKey);
        pb.environment().put("BAD_KEY", badKey);
        pb.environment().put("DEAD_KEY", deadKey);
        gateway = pb.start();
        InputStream out = gateway.getInputStream();
        consolePump = new Thread(
                () -> {
                    byte[] buf = new byte[8192];
                    try {
                        for (int n; (n = out.read(buf)) > 0; ) {
                            synchronized (console) {
                                console.write(buf, 0, n);
                            }
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                },
                "gateway-console");
        consolePump.setDaemon(true);
        consolePump.start();
        Await.until(
                "the gateway listens",
                () -> {
                    String text;
                    synchronized (console) {
                        text = console.toString(StandardCharsets.UTF_8);
                    }
                    Matcher m = LISTENING.matcher(text);
                    if (m.find()) {
                        base = "http://127.0.0.1:" + m.group(1);
                        return true;
                    }
                    assertTrue(gateway.isAlive(), text);
                    return false;
                },
                Duration.ofSeconds(30));
    }
}
