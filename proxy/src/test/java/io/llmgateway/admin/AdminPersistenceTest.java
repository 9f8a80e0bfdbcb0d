package io.llmgateway.admin;

import static io.llmgateway.admin.AdminClient.at;
import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.MockUpstream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Page changes are written back to config.yaml: without loss, atomically, and only when valid. */
class AdminPersistenceTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final MockUpstream acme = MockUpstream.start();

    @RegisterExtension
    final MockUpstream beta = MockUpstream.start();

    private String yaml() {
        return """
                # Gateway config for the persistence test.
                # Keep this header.

                server:
                  max_body_size: 8MiB      # not editable on the page

                routing:
                  strategy: priority
                  max_attempts: 2          # also not editable

                api_provider:
                  acme:                    # primary
                    base_url: %s
                    api_key: ${ADMIN_PERSISTENCE_TEST_KEY:-sk-from-default}
                    limits:
                      rpm: ${ADMIN_PERSISTENCE_TEST_RPM:-100}   # from the environment
                      tpm: 50000
                  beta:
                    base_url: "%s"
                model_config:
                  gpt-4o:
                    encoding: o200k_base
                    acme:
                      alias: acme-4o
                      weight: 3
                    beta:
                  mini:
                    beta: {}
                auto: [mini, gpt-4o]   # order matters
                """.formatted(acme.baseUrl(), beta.baseUrl());
    }

    private Path file() {
        return dir.resolve("config.yaml");
    }

    @Test
    void change_survivesARestart_andTheOldFileIsBackedUp() throws Exception {
        String original = yaml();
        try (TestGateway g = TestGateway.startFromFile(dir, original)) {
            AdminClient c = new AdminClient(g);
            assertEquals(true, at(c.get("/api/status"), "config", "persisted"));
            assertEquals("config.yaml", at(c.get("/api/status"), "config", "file"));
            HttpResponse<String> r = c.edit("""
                    [{"op":"set_route","model":"gpt-4o","provider":"acme","enable":false},
                     {"op":"order_routes","model":"gpt-4o","providers":["beta","acme"]}]""");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(true, at(r, "persisted"));
        }
        assertEquals(original, Files.readString(dir.resolve("config.yaml.bak")));
        try (TestGateway g = TestGateway.startFromFile(file())) {
            AdminClient c = new AdminClient(g);
            assertEquals("beta", at(c.get("/api/status"), "models", 0, "routes", 0, "provider"));
            assertEquals(false, at(c.get("/api/status"), "models", 0, "routes", 1, "enabled"));
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            assertEquals(1, beta.requests().size());
            assertEquals(0, acme.requests().size());
        }
    }

    @Test
    void edits_keepReferencesCommentsAndEverythingThePageDoesNotEdit() throws Exception {
        try (TestGateway g = TestGateway.startFromFile(dir, yaml())) {
            AdminClient c = new AdminClient(g);
            assertEquals(200, c.edit("""
                    [{"op":"set_provider","provider":"acme","limits":{"tpm":60000}},
                     {"op":"set_route","model":"mini","provider":"beta","alias":"beta-mini"},
                     {"op":"add_route","model":"mini","provider":"acme"}]""").statusCode());
            assertEquals(
                    Map.of("set", true, "env", "ADMIN_PERSISTENCE_TEST_KEY"),
                    at(c.get("/api/config"), "providers", 0, "api_key"));
        }
        String text = Files.readString(file());
        for (String kept : List.of(
                "# Gateway config for the persistence test.",
                "# Keep this header.",
                "max_body_size: 8MiB # not editable on the page",
                "max_attempts: 2 # also not editable",
                "acme: # primary",
                "api_key: ${ADMIN_PERSISTENCE_TEST_KEY:-sk-from-default}",
                "rpm: ${ADMIN_PERSISTENCE_TEST_RPM:-100} # from the environment",
                "encoding: o200k_base",
                "weight: 3",
                "auto: [mini, gpt-4o] # order matters",
                "base_url: \"" + beta.baseUrl() + "\"")) {
            assertTrue(text.contains(kept), "lost: " + kept + "\n" + text);
        }
        assertTrue(text.contains("tpm: 60000"), text);
        GatewayConfig reread = ConfigLoader.load(file(), Map.of());
        assertEquals("sk-from-default", reread.providers().get("acme").apiKey());
        assertEquals(100, reread.providers().get("acme").limits().rpm());
        assertEquals(8 * 1024 * 1024, reread.server().maxBodyBytes());
        assertEquals(2, reread.routing().maxAttempts());
        assertEquals("beta-mini", reread.models().get("mini").routes().get(0).alias());
        assertEquals(List.of("mini", "gpt-4o"), reread.autoModels());
    }

    @Test
    void badChange_leavesFileAndRunningConfigIntact() throws Exception {
        try (TestGateway g = TestGateway.startFromFile(dir, yaml())) {
            AdminClient c = new AdminClient(g);
            byte[] before = Files.readAllBytes(file());
            GatewayConfig running = g.gateway().config();
            HttpResponse<String> r = c.edit("""
                    [{"op":"set_route","model":"gpt-4o","provider":"acme","enable":false},
                     {"op":"set_provider","provider":"beta","base_url":"ftp://nope"}]""");
            assertEquals(422, r.statusCode());
            assertTrue(r.body().contains("api_provider.beta.base_url"), r.body());
            assertEquals(
                    400,
                    c.edit("[{\"op\":\"remove_model\",\"model\":\"ghost\"}]").statusCode());
            assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(file())), "file untouched");
            assertFalse(Files.exists(dir.resolve("config.yaml.bak")), "not even a backup was needed");
            assertTrue(running == g.gateway().config(), "running config untouched");
            assertEquals(1L, c.version());
            try (var files = Files.list(dir)) {
                assertEquals(
                        List.of("config.yaml"),
                        files.map(p -> p.getFileName().toString()).toList(),
                        "no temporary file left");
            }
        }
    }

    @Test
    void concurrentChanges_noneIsLost() throws Exception {
        try (TestGateway g = TestGateway.startFromFile(dir, yaml())) {
            int writers = 8;
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            CountDownLatch go = new CountDownLatch(1);
            Set<Long> conflictsSeen = ConcurrentHashMap.newKeySet();
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String model = "model-" + i;
                results.add(pool.submit((Callable<Integer>) () -> {
                    AdminClient c = new AdminClient(g);
                    go.await();
                    for (int attempt = 1; attempt <= 50; attempt++) {
                        long v = c.version();
                        HttpResponse<String> r = c.post(
                                "/api/config/edit",
                                "{\"version\":" + v + ",\"changes\":"
                                        + "[{\"op\":\"add_model\",\"model\":\"" + model
                                        + "\",\"routes\":[{\"provider\":\"beta\"}]}]}");
                        if (r.statusCode() == 200) {
                            return attempt;
                        }
                        assertEquals(409, r.statusCode(), r.body());
                        conflictsSeen.add(v);
                    }
                    throw new AssertionError(model + " never got through");
                }));
            }
            go.countDown();
            for (Future<Integer> f : results) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            GatewayConfig running = g.gateway().config();
            GatewayConfig onDisk = ConfigLoader.load(file(), Map.of());
            for (int i = 0; i < writers; i++) {
                assertTrue(running.models().containsKey("model-" + i), "running: model-" + i);
                assertTrue(onDisk.models().containsKey("model-" + i), "file: model-" + i);
            }
            assertEquals(2 + writers, onDisk.models().size());
            assertEquals(1L + writers, new AdminClient(g).version());
        }
    }

    @Test
    void twoPagesWithTheSameVersion_secondGets409() throws Exception {
        try (TestGateway g = TestGateway.startFromFile(dir, yaml())) {
            AdminClient c = new AdminClient(g);
            String one =
                    "{\"version\":1,\"changes\":[{\"op\":\"set_route\",\"model\":\"mini\",\"provider\":\"beta\",\"enable\":false}]}";
            String two =
                    "{\"version\":1,\"changes\":[{\"op\":\"set_route\",\"model\":\"gpt-4o\",\"provider\":\"acme\",\"weight\":9}]}";
            assertEquals(200, c.post("/api/config/edit", one).statusCode());
            assertEquals(409, c.post("/api/config/edit", two).statusCode());
            assertTrue(Files.readString(file()).contains("enable: false"));
            assertFalse(Files.readString(file()).contains("weight: 9"));
        }
    }

    @Test
    void handEditedFile_blocksPageEditsUntilReloaded_thenReloadApplies() throws Exception {
        try (TestGateway g = TestGateway.startFromFile(dir, yaml())) {
            AdminClient c = new AdminClient(g);
            String edited = Files.readString(file())
                    .replace("max_attempts: 2", "max_attempts: 3")
                    .replace("  mini:\n    beta: {}\n", "  mini:\n    beta: {}\n  hand-added:\n    acme: {}\n");
            Files.writeString(file(), edited);
            Files.setLastModifiedTime(file(), FileTime.fromMillis(System.currentTimeMillis() + 5000));
            assertEquals(true, at(c.get("/api/status"), "config", "changed_on_disk"));

            HttpResponse<String> blocked =
                    c.edit("[{\"op\":\"set_route\",\"model\":\"mini\",\"provider\":\"beta\",\"enable\":false}]");
            assertEquals(409, blocked.statusCode());
            assertEquals("changed_on_disk", at(blocked, "error", "code"));
            assertEquals(edited, Files.readString(file()), "the hand edit was not overwritten");

            HttpResponse<String> reload = c.post("/api/config/reload", "{}");
            assertEquals(200, reload.statusCode(), reload.body());
            assertEquals(2L, at(reload, "version"));
            assertTrue(g.gateway().config().models().containsKey("hand-added"));
            assertEquals(3, g.gateway().config().routing().maxAttempts());
            assertEquals(false, at(c.get("/api/status"), "config", "changed_on_disk"));
            assertEquals(
                    200,
                    c.edit("[{\"op\":\"set_route\",\"model\":\"mini\",\"provider\":\"beta\",\"enable\":false}]")
                            .statusCode());
            assertTrue(Files.readString(file()).contains("hand-added"), "the reloaded hand edit is kept");
        }
    }

    @Test
    void reload_adminTokenTooShort_refused_theRunningTokenStays() throws Exception {
        String token = "persist-admin-token-5d1e";
        try (TestGateway g = TestGateway.startFromFile(dir, "admin:\n  token: " + token + "\n" + yaml())) {
            AdminClient c = new AdminClient(g, "authorization", "Bearer " + token);
            Files.writeString(file(), "admin:\n  token: pw-15-chars-abc\n" + yaml());
            HttpResponse<String> r = c.post("/api/config/reload", "{}");
            assertEquals(422, r.statusCode(), r.body());
            assertEquals(
                    List.of("admin.token: too short (expected: at least 16 characters, e.g. from openssl rand"
                            + " -hex 24; value not shown)"),
                    at(r, "problems"));
            assertFalse(r.body().contains("pw-15-chars-abc"), r.body());
            assertEquals(token, g.gateway().config().admin().token());
            assertEquals(200, c.get("/api/status").statusCode());
        }
    }

    @Test
    void reload_badFile_keepsRunningConfigAndShowsTheProblems() throws Exception {
        try (TestGateway g = TestGateway.startFromFile(dir, yaml())) {
            AdminClient c = new AdminClient(g);
            GatewayConfig running = g.gateway().config();
            Files.writeString(
                    file(), yaml().replace("tpm: 50000", "tpm: lots").replace("max_attempts: 2", "max_attempts: 0"));
            HttpResponse<String> r = c.post("/api/config/reload", "{}");
            assertEquals(422, r.statusCode());
            assertEquals(
                    List.of(
                            "routing.max_attempts: expected a positive integer, got 0",
                            "api_provider.acme.limits.tpm: expected a positive integer, got \"lots\""),
                    at(r, "problems"));
            assertTrue(running == g.gateway().config());
            assertEquals(1L, c.version());
            assertEquals("config", at(c.get("/api/errors"), "errors", 0, "source"));
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode(), "still serving");

            Files.writeString(file(), "api_provider: [unclosed\n");
            HttpResponse<String> syntax = c.post("/api/config/reload", "{}");
            assertEquals(422, syntax.statusCode());
            assertTrue(((String) at(syntax, "problems", 0)).startsWith("YAML syntax error at line"), syntax.body());
        }
    }

    @Test
    void reload_serverChange_saysItNeedsARestart() throws Exception {
        try (TestGateway g = TestGateway.startFromFile(dir, yaml())) {
            Files.writeString(file(), yaml().replace("8MiB", "16MiB"));
            HttpResponse<String> r = new AdminClient(g).post("/api/config/reload", "{}");
            assertEquals(200, r.statusCode());
            assertEquals(List.of("server settings take effect after a restart"), at(r, "warnings"));
            assertEquals(8 * 1024 * 1024, g.gateway().config().server().maxBodyBytes());
        }
    }

    @Test
    void periodicHealthChecks_runWithoutAClick() throws Exception {
        String withInterval = yaml().replace("routing:\n", "admin:\n  health_check_interval: 1s\nrouting:\n");
        try (TestGateway g = TestGateway.startFromFile(dir, withInterval)) {
            Await.until("beta was checked", () -> !beta.requests().isEmpty());
            assertTrue(beta.requests().get(0).body().contains("\"max_tokens\":1"));
            AdminClient c = new AdminClient(g);
            // The answer reaches the admin thread just after the mock saw the request.
            Await.until("beta's health is shown", () -> {
                try {
                    return c.provider("beta").get("health") != null;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(true, ((Map<?, ?>) c.provider("beta").get("health")).get("ok"));
        }
    }
}
