package io.llmgateway.admin;

import static io.llmgateway.admin.AdminClient.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.Budget;
import io.llmgateway.config.BudgetPeriod;
import io.llmgateway.config.ConfigDocument;
import io.llmgateway.config.ConfigException;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.server.TestGateway;
import io.llmgateway.spend.Budgets;
import io.llmgateway.testing.MockUpstream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The admin API sets, changes and removes the budgets of client keys and providers ({@code set_budget}). */
class BudgetEditsTest {
    private static final String KEY = "sk-team-a-0123456789";

    @TempDir
    Path dir;

    @RegisterExtension
    final MockUpstream openai = MockUpstream.start();

    private static final String YAML = """
            gateway:
              spend_file: spend.db
              api_keys:
                - name: team-a       # the analytics team
                  key: %s
                - {name: team-b, key: sk-team-b-0123456789, budget: {usd: 5, period: day, unpriced: refuse}}
            api_provider:
              openai:
                base_url: https://api.example/v1
            model_config:
              m:
                openai:
            """.formatted(KEY);

    private static ConfigDocument apply(String changesJson) throws Exception {
        ConfigDocument doc = ConfigDocument.parse(YAML);
        ConfigEdits.apply(doc, Json.parse(changesJson));
        return doc;
    }

    private static GatewayConfig load(ConfigDocument doc) throws ConfigException {
        return ConfigLoader.parse(doc.toYaml(), Map.of());
    }

    @Test
    void setBudget_ofAKey_writtenInItsListItem() throws Exception {
        ConfigDocument doc = apply("""
                [{"op":"set_budget","kind":"key","name":"team-a","budget":{"usd":12.5,"period":"week"}}]""");

        assertEquals(
                new Budget(12_500_000_000L, BudgetPeriod.WEEK, false),
                load(doc).access().apiKeys().get(0).budget());
        assertTrue(doc.toYaml().contains("- name: team-a # the analytics team"), doc.toYaml());
        assertTrue(doc.toYaml().contains("usd: 12.5\n"), doc.toYaml());
    }

    @Test
    void setBudget_ofAProvider_andAChangeKeepsTheOtherOptions() throws Exception {
        GatewayConfig config = load(apply("""
                [{"op":"set_budget","kind":"provider","name":"openai","budget":{"usd":"2000","unpriced":"refuse"}},
                 {"op":"set_budget","kind":"key","name":"team-b","budget":{"usd":"7.25"}}]"""));

        assertEquals(
                new Budget(2000 * Budget.NANOS_PER_USD, BudgetPeriod.MONTH, true),
                config.spend().providerBudgets().get("openai"));
        assertEquals(
                new Budget(7_250_000_000L, BudgetPeriod.DAY, true),
                config.access().apiKeys().get(1).budget());
    }

    @Test
    void setBudget_null_removesIt_andANullOptionGoesBackToItsDefault() throws Exception {
        GatewayConfig removed =
                load(apply("[{\"op\":\"set_budget\",\"kind\":\"key\",\"name\":\"team-b\",\"budget\":null}]"));
        assertNull(removed.access().apiKeys().get(1).budget());

        GatewayConfig defaults = load(apply("""
                [{"op":"set_budget","kind":"key","name":"team-b","budget":{"period":null,"unpriced":null}}]"""));
        assertEquals(
                new Budget(5 * Budget.NANOS_PER_USD, BudgetPeriod.MONTH, false),
                defaults.access().apiKeys().get(1).budget());
    }

    @Test
    void badChanges_refusedNamingTheField() {
        assertEquals(
                "changes[0]: no client key \"team-x\"",
                bad("[{\"op\":\"set_budget\",\"kind\":\"key\",\"name\":\"team-x\",\"budget\":{\"usd\":1}}]"));
        assertEquals(
                "changes[0]: no provider \"acme\"",
                bad("[{\"op\":\"set_budget\",\"kind\":\"provider\",\"name\":\"acme\",\"budget\":{\"usd\":1}}]"));
        assertEquals(
                "changes[0]: kind: expected \"key\" or \"provider\"",
                bad("[{\"op\":\"set_budget\",\"kind\":\"team\",\"name\":\"team-a\",\"budget\":{\"usd\":1}}]"));
        assertEquals(
                "changes[0]: budget.eur: unknown option (expected one of: usd, period, unpriced)",
                bad("[{\"op\":\"set_budget\",\"kind\":\"key\",\"name\":\"team-a\",\"budget\":{\"eur\":1}}]"));
        assertEquals(
                "changes[0]: budget: expected an object like {\"usd\": 50, \"period\": \"month\"}, or null",
                bad("[{\"op\":\"set_budget\",\"kind\":\"key\",\"name\":\"team-a\",\"budget\":50}]"));
    }

    private static String bad(String changes) {
        return assertThrows(ConfigEdits.BadEdit.class, () -> apply(changes)).getMessage();
    }

    @Test
    void wrongValues_leftToTheLoader_whichNamesTheField() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load(apply("""
                [{"op":"set_budget","kind":"key","name":"team-a","budget":{"usd":"-3","period":"fortnight"}}]""")));

        assertEquals(2, e.problems().size(), e.problems().toString());
        assertTrue(
                e.problems().get(0).startsWith("gateway.api_keys[0].budget.usd: -3"),
                e.problems().toString());
        assertTrue(
                e.problems().get(1).startsWith("gateway.api_keys[0].budget.period:"),
                e.problems().toString());
    }

    @Test
    void adminApi_editPersisted_andAppliedToTheRunningBudgets_aRejectedOneLeavesAll() throws Exception {
        String yaml = YAML.replace("https://api.example/v1", openai.baseUrl().toString())
                .replace("spend.db", dir.resolve("spend.db").toString());
        try (TestGateway g = TestGateway.startFromFile(dir, yaml)) {
            AdminClient c = new AdminClient(g);
            assertNull(at(c.get("/api/config"), "keys", 0, "budget"));
            assertEquals("day", at(c.get("/api/config"), "keys", 1, "budget", "period"));
            assertNull(at(c.get("/api/config"), "providers", 0, "budget"));

            HttpResponse<String> edited = c.edit("""
                    [{"op":"set_budget","kind":"key","name":"team-a","budget":{"usd":"50","period":"month"}},
                     {"op":"set_budget","kind":"provider","name":"openai","budget":{"usd":"100","period":"total"}}]""");

            assertEquals(200, edited.statusCode(), edited.body());
            String written = Files.readString(g.configFile(), StandardCharsets.UTF_8);
            assertEquals(
                    50 * Budget.NANOS_PER_USD,
                    ConfigLoader.parse(written, Map.of("X", ""))
                            .access()
                            .apiKeys()
                            .get(0)
                            .budget()
                            .limitNanos());
            assertTrue(written.contains("# the analytics team"), written);
            assertEquals("50", at(c.get("/api/config"), "keys", 0, "budget", "usd"));
            assertEquals("total", at(c.get("/api/config"), "providers", 0, "budget", "period"));
            Budgets budgets = g.gateway().budgets();
            assertEquals(
                    50 * Budget.NANOS_PER_USD,
                    budgets.counter(Budgets.Kind.KEY, "team-a").limit());
            assertEquals(
                    100 * Budget.NANOS_PER_USD,
                    budgets.counter(Budgets.Kind.PROVIDER, "openai").limit());
            HttpResponse<String> usage = c.get("/api/usage");
            assertEquals("team-a", at(usage, "spend", "budgets", 0, "name"));
            assertEquals("50", at(usage, "spend", "budgets", 0, "remaining"));

            HttpResponse<String> rejected = c.edit("""
                    [{"op":"set_budget","kind":"key","name":"team-a","budget":{"usd":"0"}},
                     {"op":"set_budget","kind":"key","name":"team-b","budget":null}]""");

            assertEquals(422, rejected.statusCode(), rejected.body());
            assertEquals(
                    "gateway.api_keys[0].budget.usd: 0 (expected: > 0)", at(rejected, "problems", 0), rejected.body());
            assertEquals(written, Files.readString(g.configFile(), StandardCharsets.UTF_8), "the file is intact");
            assertEquals(
                    50 * Budget.NANOS_PER_USD,
                    budgets.counter(Budgets.Kind.KEY, "team-a").limit());
            assertEquals(
                    5 * Budget.NANOS_PER_USD,
                    budgets.counter(Budgets.Kind.KEY, "team-b").limit());

            HttpResponse<String> removed =
                    c.edit("[{\"op\":\"set_budget\",\"kind\":\"key\",\"name\":\"team-a\",\"budget\":null}]");
            assertEquals(200, removed.statusCode(), removed.body());
            assertNull(budgets.counter(Budgets.Kind.KEY, "team-a"));
            assertFalse(Files.readString(g.configFile(), StandardCharsets.UTF_8).contains("usd: 50"));
            for (String response : c.transcript()) {
                assertFalse(response.contains(KEY), "no client key in any answer");
            }
        }
    }
}
