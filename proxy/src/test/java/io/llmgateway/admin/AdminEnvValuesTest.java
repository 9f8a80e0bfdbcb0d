package io.llmgateway.admin;

import static io.llmgateway.admin.AdminClient.at;
import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RecordedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values set through the admin API never read the process environment, no answer shows what a {@code ${VAR}}
 * expanded to, and a provider's key never follows an edit to another host.
 */
class AdminEnvValuesTest {
    /** A variable every test JVM has; its value stands in for a secret such as OPENAI_API_KEY or ADMIN_TOKEN. */
    private static final String VAR = "PATH";
    /** A variable the build sets for the tests, named like a provider key. */
    private static final String KEY_VAR = "LLMGW_TEST_API_KEY";

    private static final String LITERAL = "contains ${, which the admin API does not accept";

    @TempDir
    Path dir;

    private String secret;
    private MockUpstream acme;
    private MockUpstream beta;
    private TestGateway g;
    private AdminClient c;

    private String yaml() {
        return """
                api_provider:
                  acme:
                    base_url: "%s"
                    api_key: sk-acme-key
                  beta:
                    base_url: "%s"
                model_config:
                  gpt-4o:
                    acme: {}
                    beta: {}
                """.formatted(acme.baseUrl(), beta.baseUrl());
    }

    @BeforeEach
    void start() throws Exception {
        secret = System.getenv(VAR);
        assumeTrue(secret != null && secret.length() >= 5, VAR + " is needed as a stand-in secret");
        acme = MockUpstream.start();
        beta = MockUpstream.start();
        g = TestGateway.startFromFile(dir, yaml());
        c = new AdminClient(g);
    }

    @AfterEach
    void stop() {
        if (g != null) {
            g.close();
            acme.close();
            beta.close();
        }
    }

    /** Everything an admin can read: every answer so far, then status, config and the error list. */
    private void assertSecretNowhere() throws Exception {
        c.get("/api/status");
        c.get("/api/config");
        c.get("/api/errors");
        for (String answer : c.transcript()) {
            assertFalse(answer.contains(secret), answer);
        }
        assertFalse(Files.readString(g.configFile()).contains(secret));
    }

    @Test
    void aliasAndBaseUrlWithAReference_422_neverExpanded() throws Exception {
        HttpResponse<String> alias = c.edit("""
                [{"op":"set_route","model":"gpt-4o","provider":"beta","alias":"https://x/${%s}"}]""".formatted(VAR));
        HttpResponse<String> url = c.edit("""
                [{"op":"set_provider","provider":"beta","base_url":"http://127.0.0.1:%d/${%s}"}]""".formatted(beta.baseUrl().getPort(), VAR));

        assertEquals(422, alias.statusCode(), alias.body());
        assertEquals(List.of("model_config.gpt-4o.beta.alias: " + LITERAL), firstWords(alias));
        assertEquals(422, url.statusCode(), url.body());
        assertEquals(List.of("api_provider.beta.base_url: " + LITERAL), firstWords(url));
        assertEquals(1L, c.version(), "nothing changed");
        assertSecretNowhere();
    }

    @Test
    void limitWithAReference_422_problemNeverEchoesTheValue() throws Exception {
        HttpResponse<String> r = c.edit("""
                [{"op":"set_provider","provider":"acme","limits":{"rpm":"${%s}","tpm":"${%s:-5}"}}]""".formatted(VAR, VAR));

        assertEquals(422, r.statusCode(), r.body());
        assertEquals(
                List.of("api_provider.acme.limits.rpm: " + LITERAL, "api_provider.acme.limits.tpm: " + LITERAL),
                firstWords(r));
        assertSecretNowhere();
    }

    @Test
    void reloadOfAFileWithAReferenceInALimit_problemNamesTheVariable_errorsNeverShowItsValue() throws Exception {
        Files.writeString(
                g.configFile(),
                yaml().replace("api_key: sk-acme-key", "api_key: sk-acme-key\n    limits: {rpm: \"${" + VAR + "}\"}"));

        HttpResponse<String> r = c.post("/api/config/reload", "{}");

        assertEquals(422, r.statusCode(), r.body());
        assertEquals(
                List.of("api_provider.acme.limits.rpm: expected a positive integer, got \"${" + VAR + "}\""
                        + " (from the environment; its value is not shown)"),
                at(r, "problems"));
        assertEquals("config", at(c.get("/api/errors"), "errors", 0, "source"));
        for (String answer : c.transcript()) {
            assertFalse(answer.contains(secret), answer);
        }
    }

    @Test
    void keyAsAWholeReference_isTheOneExpandedValue_andIsNeverShown() throws Exception {
        String key = System.getenv(KEY_VAR);
        assertNotNull(key, KEY_VAR + " is set by the build (surefire's environmentVariables)");
        HttpResponse<String> r = c.edit("""
                [{"op":"set_provider","provider":"acme","api_key":"${%s}"}]""".formatted(KEY_VAR));

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(KEY_VAR, at(c.get("/api/config"), "providers", 0, "api_key", "env"));
        assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
        assertEquals("Bearer " + key, acme.requests().get(0).header("authorization"));
        for (String answer : c.transcript()) {
            assertFalse(answer.contains(key), answer);
        }
    }

    @Test
    void keyReferenceToAnyOtherVariable_isRefused_andNothingIsSent() throws Exception {
        HttpResponse<String> r = c.edit("""
                [{"op":"set_provider","provider":"acme","api_key":"${%s}"}]""".formatted(VAR));

        assertEquals(422, r.statusCode(), r.body());
        assertTrue(r.body().contains("must name a variable ending in _KEY"), r.body());
        assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
        assertEquals("Bearer sk-acme-key", acme.requests().get(0).header("authorization"));
        assertSecretNowhere();
    }

    @Test
    void baseUrlToAnotherHost_withoutTheKey_422NamingApiKey_withIt_theNewHostGetsOnlyTheNewKey() throws Exception {
        String toBeta = """
                [{"op":"set_provider","provider":"acme","base_url":"%s"%s}]""";
        HttpResponse<String> refused = c.edit(toBeta.formatted(beta.baseUrl(), ""));

        assertEquals(422, refused.statusCode(), refused.body());
        assertEquals(
                List.of("api_provider.acme.api_key: required in the same change when base_url moves to another"
                        + " scheme, host or port (the key is never sent to a host it was not given for); enter the key"
                        + " again, or remove it"),
                at(refused, "problems"));
        assertEquals(1L, c.version());
        assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
        assertEquals("Bearer sk-acme-key", acme.requests().get(0).header("authorization"), "acme is still used");

        HttpResponse<String> samePort = c.edit(toBeta.formatted(acme.baseUrl() + "/v2", ""));
        assertEquals(200, samePort.statusCode(), "another path on the same host keeps the key: " + samePort.body());

        HttpResponse<String> moved = c.edit(toBeta.formatted(beta.baseUrl(), ",\"api_key\":\"sk-for-beta-host\""));
        assertEquals(200, moved.statusCode(), moved.body());
        assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
        RecordedRequest atBeta = beta.requests().get(0);
        assertEquals("Bearer sk-for-beta-host", atBeta.header("authorization"));
        for (RecordedRequest seen : beta.requests()) {
            assertFalse("Bearer sk-acme-key".equals(seen.header("authorization")));
        }

        HttpResponse<String> keyRemoved = c.edit("""
                [{"op":"set_provider","provider":"acme","base_url":"%s","api_key":null}]""".formatted(acme.baseUrl()));
        assertEquals(200, keyRemoved.statusCode(), "moving without any key sends none: " + keyRemoved.body());
    }

    /** The problems, each cut after the fixed start of the literal-value message. */
    @SuppressWarnings("unchecked")
    private static List<String> firstWords(HttpResponse<String> r) {
        return ((List<String>) at(r, "problems"))
                .stream()
                        .map(p -> p.contains(LITERAL) ? p.substring(0, p.indexOf(LITERAL) + LITERAL.length()) : p)
                        .toList();
    }
}
