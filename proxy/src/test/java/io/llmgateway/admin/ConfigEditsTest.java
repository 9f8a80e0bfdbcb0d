package io.llmgateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigDocument;
import io.llmgateway.config.ConfigException;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigEditsTest {
    private static final String YAML = """
            routing:
              max_attempts: 2
            api_provider:
              acme:
                base_url: https://acme.example/v1
                api_key: ${ACME_KEY:-sk-acme}
                limits:
                  rpm: ${ACME_RPM:-60}   # from the environment
                  tpm: 1000
              beta:
                base_url: https://beta.example/v1
            model_config:
              gpt-4o:
                strategy: priority
                acme:
                  alias: gpt-4o-2024
                beta:
              mini:
                beta: {}
            auto: [mini, gpt-4o]
            """;

    private static ConfigDocument apply(String changesJson) throws Exception {
        ConfigDocument doc = ConfigDocument.parse(YAML);
        ConfigEdits.apply(doc, Json.parse(changesJson));
        return doc;
    }

    private static GatewayConfig load(ConfigDocument doc) throws ConfigException {
        return ConfigLoader.parse(doc.toYaml(), Map.of());
    }

    private static String badEdit(String changesJson) {
        return assertThrows(ConfigEdits.BadEdit.class, () -> apply(changesJson)).getMessage();
    }

    @Test
    void setRoute_enableAliasWeight() throws Exception {
        ConfigDocument doc = apply("""
                [{"op":"set_route","model":"gpt-4o","provider":"beta","enable":false,"alias":"b-4o","weight":4}]""");
        var route = load(doc).models().get("gpt-4o").routes().get(1);
        assertFalse(route.enabled());
        assertEquals("b-4o", route.alias());
        assertEquals(4, route.weight());
    }

    @Test
    void setRoute_nullRemovesBackToDefault() throws Exception {
        ConfigDocument doc = apply("""
                [{"op":"set_route","model":"gpt-4o","provider":"acme","alias":null}]""");
        assertNull(doc.scalar("model_config", "gpt-4o", "acme", "alias"));
        assertEquals("gpt-4o", load(doc).models().get("gpt-4o").routes().get(0).alias());
    }

    @Test
    void orderRoutes_keepsModelOptionsInPlace() throws Exception {
        ConfigDocument doc = apply("""
                [{"op":"order_routes","model":"gpt-4o","providers":["beta","acme"]}]""");
        assertEquals(List.of("strategy", "beta", "acme"), doc.keys("model_config", "gpt-4o"));
        assertEquals("beta", load(doc).models().get("gpt-4o").routes().get(0).provider());
    }

    @Test
    void orderRoutes_notAPermutation_refused() {
        assertEquals(
                "changes[0]: providers: expected each of the model's providers once (acme, beta)",
                badEdit("[{\"op\":\"order_routes\",\"model\":\"gpt-4o\",\"providers\":[\"acme\"]}]"));
        badEdit("[{\"op\":\"order_routes\",\"model\":\"gpt-4o\",\"providers\":[\"acme\",\"acme\"]}]");
    }

    @Test
    void addAndRemoveRoute() throws Exception {
        ConfigDocument doc = apply("""
                [{"op":"add_route","model":"mini","provider":"acme","alias":"acme-mini"},
                 {"op":"remove_route","model":"gpt-4o","provider":"beta"}]""");
        GatewayConfig c = load(doc);
        assertEquals(
                List.of("beta", "acme"),
                c.models().get("mini").routes().stream().map(r -> r.provider()).toList());
        assertEquals("acme-mini", c.models().get("mini").routes().get(1).alias());
        assertEquals(1, c.models().get("gpt-4o").routes().size());
    }

    @Test
    void addRoute_alreadyListed_refused() {
        assertEquals(
                "changes[0]: model \"gpt-4o\" already lists provider \"acme\"",
                badEdit("[{\"op\":\"add_route\",\"model\":\"gpt-4o\",\"provider\":\"acme\"}]"));
    }

    @Test
    void addRoute_unknownProvider_isLeftToTheLoader() throws Exception {
        ConfigDocument doc = apply("[{\"op\":\"add_route\",\"model\":\"mini\",\"provider\":\"ghost\"}]");
        ConfigException e = assertThrows(ConfigException.class, () -> load(doc));
        assertEquals(List.of("model_config.mini.ghost: unknown provider (known: acme, beta)"), e.problems());
    }

    @Test
    void addModel_andRemoveModelAlsoLeavesTheAutoList() throws Exception {
        ConfigDocument doc = apply("""
                [{"op":"add_model","model":"o3","routes":[{"provider":"acme","alias":"o3-2025"},{"provider":"beta"}]},
                 {"op":"remove_model","model":"mini"}]""");
        GatewayConfig c = load(doc);
        assertEquals(List.of("gpt-4o", "o3"), List.copyOf(c.models().keySet()));
        assertEquals(List.of("gpt-4o"), doc.sequence("auto"));
        assertEquals("o3-2025", c.models().get("o3").routes().get(0).alias());
    }

    @Test
    void removeModel_lastOfTheAutoList_removesTheList() throws Exception {
        ConfigDocument doc = apply("""
                [{"op":"remove_model","model":"mini"},{"op":"remove_model","model":"gpt-4o"},
                 {"op":"add_model","model":"x","routes":[{"provider":"acme"}]}]""");
        assertFalse(doc.has("auto"));
        assertEquals(List.of("x"), load(doc).autoModels());
    }

    @Test
    void addModel_withoutProviders_isLeftToTheLoader() throws Exception {
        ConfigDocument doc = apply("[{\"op\":\"add_model\",\"model\":\"empty\"}]");
        ConfigException e = assertThrows(ConfigException.class, () -> load(doc));
        assertTrue(
                e.problems().get(0).contains("model_config.empty: no providers"),
                e.problems().toString());
    }

    @Test
    void addModel_existing_refused() {
        assertEquals(
                "changes[0]: model \"mini\" already exists", badEdit("[{\"op\":\"add_model\",\"model\":\"mini\"}]"));
    }

    @Test
    void setProvider_limitsBaseUrlAndKey_leavesReferencesAlone() throws Exception {
        ConfigDocument doc = apply("""
                [{"op":"set_provider","provider":"acme","limits":{"tpm":"5000","rpd":100,"tpr":null},
                  "base_url":"https://acme2.example/v1"}]""");
        assertEquals("${ACME_RPM:-60}", doc.scalar("api_provider", "acme", "limits", "rpm"));
        assertEquals("${ACME_KEY:-sk-acme}", doc.scalar("api_provider", "acme", "api_key"));
        assertTrue(doc.toYaml().contains("rpm: ${ACME_RPM:-60} # from the environment"), doc.toYaml());
        var acme = load(doc).providers().get("acme");
        assertEquals(60, acme.limits().rpm());
        assertEquals(5000, acme.limits().tpm());
        assertEquals(100, acme.limits().rpd());
        assertEquals("https://acme2.example/v1", acme.baseUrl().toString());
        assertEquals("sk-acme", acme.apiKey());
    }

    @Test
    void setProvider_keyWrittenOrRemoved() throws Exception {
        ConfigDocument doc = apply("[{\"op\":\"set_provider\",\"provider\":\"beta\",\"api_key\":\"sk-new\"}]");
        assertEquals("sk-new", load(doc).providers().get("beta").apiKey());
        ConfigEdits.apply(doc, Json.parse("[{\"op\":\"set_provider\",\"provider\":\"beta\",\"api_key\":null}]"));
        assertEquals("", load(doc).providers().get("beta").apiKey());
    }

    @Test
    void setProvider_allLimitsRemoved_dropsTheLimitsMapping() throws Exception {
        ConfigDocument doc = apply("""
                [{"op":"set_provider","provider":"acme","limits":{"rpm":null,"tpm":null}}]""");
        assertFalse(doc.has("api_provider", "acme", "limits"));
    }

    @Test
    void setProvider_textLimit_isJudgedByTheLoader() throws Exception {
        ConfigDocument doc = apply("[{\"op\":\"set_provider\",\"provider\":\"acme\",\"limits\":{\"rpm\":\"ten\"}}]");
        ConfigException e = assertThrows(ConfigException.class, () -> load(doc));
        assertEquals(List.of("api_provider.acme.limits.rpm: expected a positive integer, got \"ten\""), e.problems());
    }

    @Test
    void addAndRemoveProvider() throws Exception {
        ConfigDocument doc = apply("""
                [{"op":"add_provider","provider":"gamma","base_url":"http://gamma.local/v1","api_key":"${GAMMA_KEY:-}",
                  "limits":{"rpm":10}},
                 {"op":"add_route","model":"mini","provider":"gamma"}]""");
        GatewayConfig c = load(doc);
        assertEquals(10, c.providers().get("gamma").limits().rpm());
        assertEquals("${GAMMA_KEY:-}", doc.scalar("api_provider", "gamma", "api_key"));
        ConfigEdits.apply(doc, Json.parse("""
                [{"op":"remove_route","model":"mini","provider":"gamma"},{"op":"remove_provider","provider":"gamma"}]"""));
        assertFalse(load(doc).providers().containsKey("gamma"));
    }

    @Test
    void removeProvider_stillUsed_isRefusedByTheLoader() throws Exception {
        ConfigDocument doc = apply("[{\"op\":\"remove_provider\",\"provider\":\"beta\"}]");
        ConfigException e = assertThrows(ConfigException.class, () -> load(doc));
        assertTrue(
                e.problems().contains("model_config.gpt-4o.beta: unknown provider (known: acme)"),
                e.problems().toString());
    }

    @Test
    void addProvider_withoutBaseUrl_refused() {
        assertEquals(
                "changes[0]: base_url: required for a new provider",
                badEdit("[{\"op\":\"add_provider\",\"provider\":\"x\"}]"));
    }

    @Test
    void malformedChanges_refusedWithTheirIndex() {
        assertEquals("changes: expected a non-empty list of changes", badEdit("[]"));
        assertEquals("changes: expected a non-empty list of changes", badEdit("{\"op\":\"x\"}"));
        assertEquals("changes[0]: expected an object with an \"op\"", badEdit("[1]"));
        assertTrue(badEdit("[{\"op\":\"rename\"}]").startsWith("changes[0]: unknown op \"rename\""));
        assertEquals("changes[1]: no model \"nope\"", badEdit("""
                [{"op":"set_route","model":"mini","provider":"beta","enable":true},
                 {"op":"set_route","model":"nope","provider":"beta"}]"""));
        assertEquals(
                "changes[0]: model \"mini\" does not list provider \"acme\"",
                badEdit("[{\"op\":\"set_route\",\"model\":\"mini\",\"provider\":\"acme\"}]"));
        assertEquals(
                "changes[0]: enable: expected true, false or null",
                badEdit("[{\"op\":\"set_route\",\"model\":\"mini\",\"provider\":\"beta\",\"enable\":\"yes\"}]"));
        assertEquals(
                "changes[0]: model: expected a non-empty name", badEdit("[{\"op\":\"remove_model\",\"model\":\"\"}]"));
        assertEquals(
                "changes[0]: limits.rpx: unknown limit (expected one of: rpm, tpm, rpd, tpr)",
                badEdit("[{\"op\":\"set_provider\",\"provider\":\"acme\",\"limits\":{\"rpx\":1}}]"));
        assertEquals(
                "changes[0]: no provider \"ghost\"", badEdit("[{\"op\":\"set_provider\",\"provider\":\"ghost\"}]"));
    }

    @Test
    void anchoredValue_refused() throws Exception {
        ConfigDocument doc = ConfigDocument.parse("""
                api_provider:
                  acme: {base_url: "http://a/v1", limits: &lim {rpm: 5}}
                  beta: {base_url: "http://b/v1", limits: *lim}
                model_config:
                  m: {acme: {}}
                """);
        ConfigEdits.BadEdit e = assertThrows(
                ConfigEdits.BadEdit.class,
                () -> ConfigEdits.apply(
                        doc, Json.parse("[{\"op\":\"set_provider\",\"provider\":\"acme\",\"limits\":{\"rpm\":9}}]")));
        assertEquals(
                "changes[0]: api_provider.acme.limits.rpm is shared through the YAML anchor &lim;"
                        + " edit it in the file",
                e.getMessage());
    }

    @Test
    void unknownOptions_survive() throws Exception {
        ConfigDocument doc =
                apply("[{\"op\":\"set_route\",\"model\":\"mini\",\"provider\":\"beta\",\"enable\":false}]");
        assertEquals("2", doc.scalar("routing", "max_attempts"));
        assertEquals("priority", doc.scalar("model_config", "gpt-4o", "strategy"));
    }

    @Test
    void referencesInValues_refusedAsProblems_withEveryPath_neverExpanded() {
        ConfigException e = assertThrows(ConfigException.class, () -> apply("""
                [{"op":"set_route","model":"gpt-4o","provider":"acme","alias":"x-${OPENAI_API_KEY}","weight":"${W}"},
                 {"op":"set_provider","provider":"beta","base_url":"https://x/${ADMIN_TOKEN}",
                  "limits":{"rpm":"${ADMIN_TOKEN}","tpm":"$${ESCAPED}"}}]"""));
        String why = ": contains ${, which the admin API does not accept: values set there are literal and never read"
                + " the environment (write ${VAR} references in the config file; only api_key may be one here)";
        assertEquals(
                List.of(
                        "model_config.gpt-4o.acme.alias" + why,
                        "model_config.gpt-4o.acme.weight" + why,
                        "api_provider.beta.base_url" + why,
                        "api_provider.beta.limits.rpm" + why,
                        "api_provider.beta.limits.tpm" + why),
                e.problems());
    }

    @Test
    void apiKey_wholeReferenceAccepted_anyOtherReferenceRefused_valueNeverShown() throws Exception {
        ConfigDocument doc = apply("[{\"op\":\"set_provider\",\"provider\":\"beta\",\"api_key\":\"${BETA_KEY}\"}]");
        assertEquals("${BETA_KEY}", doc.scalar("api_provider", "beta", "api_key"));
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> apply("[{\"op\":\"set_provider\",\"provider\":\"beta\",\"api_key\":\"sk-${ADMIN_TOKEN}\"}]"));
        assertEquals(
                List.of("api_provider.beta.api_key: a ${VAR} reference must be the whole value, like"
                        + " ${OPENAI_API_KEY} or ${OPENAI_API_KEY:-} (value not shown)"),
                e.problems());
    }

    @Test
    void apiKey_referenceOnlyToAKeyVariableTheRestOfTheConfigDoesNotUse() throws Exception {
        ConfigDocument doc = ConfigDocument.parse(YAML + "admin:\n  token: ${GATEWAY_ADMIN_KEY}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigEdits.apply(doc, Json.parse("""
                [{"op":"set_provider","provider":"acme","api_key":"${HOME}"},
                 {"op":"set_provider","provider":"beta","api_key":"${GATEWAY_ADMIN_KEY}"}]""")));
        assertEquals(
                List.of(
                        "api_provider.acme.api_key: ${HOME} may not be set here: a key reference set through"
                                + " the admin API must name a variable ending in _KEY (write other references in the config"
                                + " file)",
                        "api_provider.beta.api_key: ${GATEWAY_ADMIN_KEY} is used elsewhere in the config (admin token,"
                                + " client keys or limits store) and is never sent to a provider"),
                e.problems());
        ConfigEdits.apply(
                doc, Json.parse("[{\"op\":\"set_provider\",\"provider\":\"beta\",\"api_key\":\"${BETA_KEY}\"}]"));
        assertEquals("${BETA_KEY}", doc.scalar("api_provider", "beta", "api_key"));
    }

    @Test
    void apply_namesTheProvidersGivenAKey() throws Exception {
        ConfigDocument doc = ConfigDocument.parse(YAML);
        assertEquals(java.util.Set.of("beta"), ConfigEdits.apply(doc, Json.parse("""
                [{"op":"set_provider","provider":"acme","base_url":"https://elsewhere.example/v1"},
                 {"op":"set_provider","provider":"beta","api_key":"sk-b"},
                 {"op":"set_provider","provider":"acme","api_key":null}]""")));
    }
}
