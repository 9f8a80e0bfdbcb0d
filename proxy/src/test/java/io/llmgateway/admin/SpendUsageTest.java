package io.llmgateway.admin;

import static io.llmgateway.admin.AdminClient.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 27: spend per key, provider and model, and budgets, in {@code /api/usage}; the reset of a budget. */
class SpendUsageTest {
    private static final String TOKEN = "adm-token-77e1c2";
    private static final String KEY_A = "sk-team-a-0123456789";
    private static final String KEY_B = "sk-team-b-9876543210";
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;

    @RegisterExtension
    final MockUpstream openai = MockUpstream.start();

    private TestGateway gateway() throws Exception {
        return TestGateway.start("""
                admin:
                  token: %s
                routing:
                  time_zone: UTC
                pricing:
                  gpt-4o-mini: {input: 0.15, output: 0.60}
                gateway:
                  spend_file: %s
                  api_keys:
                    - {name: team-a, key: %s, budget: {usd: 50, period: month}}
                    - {name: team-b, key: %s}
                api_provider:
                  openai: {base_url: "%s", api_key: sk-openai-secret, budget: {usd: 10, period: day}}
                model_config:
                  gpt-4o-mini:
                    openai: {}
                  house-model:
                    openai: {alias: house-model-7}
                """.formatted(TOKEN, dir.resolve("spend.db"), KEY_A, KEY_B, openai.baseUrl()));
    }

    private static AdminClient admin(TestGateway g) {
        return new AdminClient(g, "authorization", "Bearer " + TOKEN);
    }

    private static void chat(TestGateway g, String key, String model) throws Exception {
        HttpResponse<String> r =
                g.post("/v1/chat/completions", CHAT.formatted(model), "authorization", "Bearer " + key);
        assertEquals(200, r.statusCode(), r.body());
    }

    /** team-a: 2 x (1000 in, 500 out) = 2 x 0.00045; team-b: one unpriced, one (2000 in, 1000 out) = 0.0009. */
    private void traffic(TestGateway g) throws Exception {
        openai.enqueue(Behaviour.chatCompletion("a", 1000, 500));
        openai.enqueue(Behaviour.chatCompletion("b", 1000, 500));
        openai.enqueue(Behaviour.chatCompletion("c", 300, 200));
        openai.enqueue(Behaviour.chatCompletion("d", 2000, 1000));
        chat(g, KEY_A, "gpt-4o-mini");
        chat(g, KEY_A, "gpt-4o-mini");
        chat(g, KEY_B, "house-model");
        chat(g, KEY_B, "gpt-4o-mini");
    }

    private static Object spend(HttpResponse<String> usage, Object... path) {
        Object[] full = new Object[path.length + 1];
        full[0] = "spend";
        System.arraycopy(path, 0, full, 1, path.length);
        return at(usage, full);
    }

    @Test
    void usage_spendPerKeyProviderAndModel_handComputed() throws Exception {
        try (TestGateway g = gateway()) {
            traffic(g);
            HttpResponse<String> usage = admin(g).get("/api/usage");
            assertEquals(200, usage.statusCode(), usage.body());

            assertEquals("UTC", spend(usage, "time_zone"));
            assertEquals(LocalDate.now(ZoneOffset.UTC).toString(), spend(usage, "today"));
            for (String window : List.of("today", "this_period", "total")) {
                assertEquals("0.0009", spend(usage, "keys", "team-a", window, "usd"), window);
                assertEquals(2L, spend(usage, "keys", "team-a", window, "requests"));
                assertEquals(0L, spend(usage, "keys", "team-a", window, "unpriced"));
                assertEquals("0.0009", spend(usage, "keys", "team-b", window, "usd"));
                assertEquals(1L, spend(usage, "keys", "team-b", window, "unpriced"));
                assertEquals("0.0018", spend(usage, "providers", "openai", window, "usd"));
                assertEquals(4L, spend(usage, "providers", "openai", window, "requests"));
                assertEquals(1L, spend(usage, "providers", "openai", window, "unpriced"));
                assertEquals("0.0018", spend(usage, "models", "gpt-4o-mini", window, "usd"));
                assertEquals(3L, spend(usage, "models", "gpt-4o-mini", window, "requests"));
                assertEquals("0", spend(usage, "models", "house-model", window, "usd"));
                assertEquals(1L, spend(usage, "models", "house-model", window, "unpriced"));
            }
            assertEquals("month", spend(usage, "keys", "team-a", "period"));
            assertEquals("month", spend(usage, "keys", "team-b", "period"), "no budget: the calendar month");
            assertEquals("day", spend(usage, "providers", "openai", "period"));
            assertEquals("team-a", spend(usage, "top_keys", 0, "name"), "a tie goes by name");
            assertEquals("0.0009", spend(usage, "top_keys", 0, "usd"));
            assertEquals("team-b", spend(usage, "top_keys", 1, "name"));

            assertEquals("key", spend(usage, "budgets", 0, "kind"));
            assertEquals("team-a", spend(usage, "budgets", 0, "name"));
            assertEquals("50", spend(usage, "budgets", 0, "usd"));
            assertEquals("month", spend(usage, "budgets", 0, "period"));
            assertEquals("serve", spend(usage, "budgets", 0, "unpriced"));
            assertEquals(
                    LocalDate.now(ZoneOffset.UTC)
                            .withDayOfMonth(1)
                            .plusMonths(1)
                            .atStartOfDay(ZoneOffset.UTC)
                            .toInstant()
                            .toString(),
                    spend(usage, "budgets", 0, "resets_at"));
            assertEquals("provider", spend(usage, "budgets", 1, "kind"));
            assertEquals("openai", spend(usage, "budgets", 1, "name"));
            assertEquals(
                    LocalDate.now(ZoneOffset.UTC)
                            .plusDays(1)
                            .atStartOfDay(ZoneOffset.UTC)
                            .toInstant()
                            .toString(),
                    spend(usage, "budgets", 1, "resets_at"));
            for (String secret : List.of(KEY_A, KEY_B, "sk-openai-secret", TOKEN)) {
                assertFalse(usage.body().contains(secret), secret);
            }
            AdminClient c = admin(g);
            Await.until("the budgets settled to the real cost", () -> {
                try {
                    HttpResponse<String> now = c.get("/api/usage");
                    return "0.0009".equals(spend(now, "budgets", 0, "spent"))
                            && "0.0018".equals(spend(now, "budgets", 1, "spent"));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
        try (TestGateway g = gateway()) {
            HttpResponse<String> usage = admin(g).get("/api/usage");
            assertEquals("0.0009", spend(usage, "keys", "team-a", "total", "usd"), "kept across a restart");
            assertEquals("0.0009", spend(usage, "budgets", 0, "spent"), "the counter restored from the file");
            assertEquals("49.9991", spend(usage, "budgets", 0, "remaining"));
            assertEquals("0.0018", spend(usage, "budgets", 1, "spent"));
            assertEquals("9.9982", spend(usage, "budgets", 1, "remaining"));
        }
    }

    @Test
    void reset_zeroesTheBudget_keepsTheHistory_andARestartKeepsTheReset() throws Exception {
        try (TestGateway g = gateway()) {
            traffic(g);
        }
        try (TestGateway g = gateway()) {
            AdminClient c = admin(g);
            assertEquals("0.0009", spend(c.get("/api/usage"), "budgets", 0, "spent"));

            HttpResponse<String> reset = c.post("/api/spend/reset", "{\"kind\":\"key\",\"name\":\"team-a\"}");

            assertEquals(200, reset.statusCode(), reset.body());
            assertEquals("team-a", at(reset, "reset"));
            HttpResponse<String> usage = c.get("/api/usage");
            assertEquals("0", spend(usage, "budgets", 0, "spent"));
            assertEquals("50", spend(usage, "budgets", 0, "remaining"));
            assertEquals("0.0018", spend(usage, "budgets", 1, "spent"), "the provider's budget is another");
            assertEquals("0.0009", spend(usage, "keys", "team-a", "this_period", "usd"), "the history stays");
        }
        try (TestGateway g = gateway()) {
            HttpResponse<String> usage = admin(g).get("/api/usage");
            assertEquals("0", spend(usage, "budgets", 0, "spent"), "the reset is kept in the spend file");
            assertEquals("0.0018", spend(usage, "budgets", 1, "spent"));
        }
    }

    @Test
    void reset_unknownName_noBudget_badKind_noAuth_refused() throws Exception {
        try (TestGateway g = gateway()) {
            AdminClient c = admin(g);
            HttpResponse<String> unknown = c.post("/api/spend/reset", "{\"kind\":\"key\",\"name\":\"team-x\"}");
            assertEquals(404, unknown.statusCode());
            assertEquals("not_found", at(unknown, "error", "code"));
            assertEquals("no client key \"team-x\"", at(unknown, "error", "message"));

            HttpResponse<String> none = c.post("/api/spend/reset", "{\"kind\":\"key\",\"name\":\"team-b\"}");
            assertEquals(404, none.statusCode());
            assertEquals("the client key \"team-b\" has no budget", at(none, "error", "message"));

            HttpResponse<String> provider =
                    c.post("/api/spend/reset", "{\"kind\":\"provider\",\"name\":\"anthropic\"}");
            assertEquals("no provider \"anthropic\"", at(provider, "error", "message"));

            HttpResponse<String> kind = c.post("/api/spend/reset", "{\"kind\":\"team\",\"name\":\"team-a\"}");
            assertEquals(400, kind.statusCode());
            assertEquals("kind: expected \"key\" or \"provider\"", at(kind, "error", "message"));

            HttpResponse<String> anonymous =
                    new AdminClient(g).post("/api/spend/reset", "{\"kind\":\"key\",\"name\":\"team-a\"}");
            assertEquals(401, anonymous.statusCode());
            assertEquals(405, c.get("/api/spend/reset").statusCode());
        }
    }

    @Test
    void usage_withoutTraffic_listsConfiguredRowsAtZero() throws Exception {
        try (TestGateway g = gateway()) {
            HttpResponse<String> usage = admin(g).get("/api/usage");
            assertEquals("0", spend(usage, "keys", "team-b", "total", "usd"));
            assertEquals(0L, spend(usage, "providers", "openai", "today", "requests"));
            assertEquals(List.of(), spend(usage, "top_keys"));
            assertEquals("0", spend(usage, "budgets", 0, "spent"));
            assertNull(((Map<?, ?>) spend(usage, "keys")).get(""));
        }
    }
}
