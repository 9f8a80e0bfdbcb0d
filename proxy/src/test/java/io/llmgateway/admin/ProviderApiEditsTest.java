package io.llmgateway.admin;

import static io.llmgateway.admin.AdminClient.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigDocument;
import io.llmgateway.config.ConfigException;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.ProviderApi;
import io.llmgateway.config.ProviderConfig;
import io.llmgateway.server.TestGateway;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The admin API edits a provider's {@code api} and the options of its api. */
class ProviderApiEditsTest {
    private static final String YAML = """
            api_provider:
              acme:
                base_url: https://acme.example/v1
              az:
                api: azure
                base_url: https://r.openai.azure.com/openai
                api_version: v1
            model_config:
              m:
                acme:
                az:
            """;

    private static ConfigDocument apply(String changesJson) throws Exception {
        ConfigDocument doc = ConfigDocument.parse(YAML);
        ConfigEdits.apply(doc, Json.parse(changesJson));
        return doc;
    }

    private static ProviderConfig load(ConfigDocument doc, String provider) throws ConfigException {
        return ConfigLoader.parse(doc.toYaml(), Map.of()).providers().get(provider);
    }

    @Test
    void setProvider_apiAndItsOptions() throws Exception {
        ProviderConfig acme = load(apply("""
                        [{"op":"set_provider","provider":"acme","api":"Anthropic","anthropic_version":"2023-01-01",
                          "default_max_tokens":"8192"}]"""), "acme");

        assertEquals(ProviderApi.ANTHROPIC, acme.api());
        assertEquals("2023-01-01", acme.anthropicVersion());
        assertEquals(8192, acme.defaultMaxTokens());
    }

    @Test
    void setProvider_anotherApi_dropsTheOldApisOptions() throws Exception {
        ConfigDocument doc = apply("[{\"op\":\"set_provider\",\"provider\":\"az\",\"api\":\"openai\"}]");

        assertNull(doc.scalar("api_provider", "az", "api_version"));
        assertEquals(ProviderApi.OPENAI, load(doc, "az").api());
    }

    @Test
    void setProvider_apiNull_backToTheDefault() throws Exception {
        ConfigDocument doc = apply("[{\"op\":\"set_provider\",\"provider\":\"az\",\"api\":null}]");

        assertNull(doc.scalar("api_provider", "az", "api"));
        assertEquals(ProviderApi.OPENAI, load(doc, "az").api());
    }

    @Test
    void setProvider_optionsRemovedWithNull() throws Exception {
        ConfigDocument doc = apply("[{\"op\":\"set_provider\",\"provider\":\"az\",\"api_version\":null}]");

        assertEquals("2024-10-21", load(doc, "az").apiVersion());
    }

    @Test
    void addProvider_withAnApi() throws Exception {
        ConfigDocument doc = apply("""
                [{"op":"add_provider","provider":"east","api":"azure","base_url":"https://e.openai.azure.com/openai",
                  "api_version":"2025-04-01-preview"}]""");

        assertEquals("2025-04-01-preview", load(doc, "east").apiVersion());
    }

    @Test
    void unknownApi_refusedNamingTheField() {
        assertEquals(
                "changes[0]: api: expected one of openai, anthropic, azure or null",
                assertThrows(
                                ConfigEdits.BadEdit.class,
                                () -> apply("[{\"op\":\"set_provider\",\"provider\":\"acme\",\"api\":\"gemini\"}]"))
                        .getMessage());
    }

    @Test
    void optionOfAnotherApi_isLeftToTheLoader_whichNamesIt() throws Exception {
        ConfigDocument doc = apply("[{\"op\":\"set_provider\",\"provider\":\"acme\",\"api_version\":\"v1\"}]");

        ConfigException e = assertThrows(ConfigException.class, () -> load(doc, "acme"));
        assertEquals(
                "api_provider.acme.api_version: only used with api: azure (this provider's api is openai)",
                e.problems().get(0));
    }

    @Test
    void versionWithAReference_refusedAsAProblem() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> apply("[{\"op\":\"set_provider\",\"provider\":\"az\",\"api_version\":\"${AZ_VERSION}\"}]"));

        assertTrue(
                e.problems().get(0).startsWith("api_provider.az.api_version: contains ${"),
                e.problems().get(0));
    }

    @Test
    void adminApi_showsAndEditsTheApi() throws Exception {
        try (TestGateway g = TestGateway.start(YAML)) {
            AdminClient c = new AdminClient(g);
            HttpResponse<String> config = c.get("/api/config");
            assertEquals("azure", at(config, "providers", 1, "api"));
            assertEquals("v1", at(config, "providers", 1, "api_version"));
            assertNull(at(config, "providers", 0, "api"));
            assertEquals("openai", at(c.get("/api/status"), "providers", 0, "api"));

            HttpResponse<String> edited = c.post(
                    "/api/config/edit",
                    "{\"version\":" + c.version()
                            + ",\"changes\":[{\"op\":\"set_provider\",\"provider\":\"acme\",\"api\":\"azure\"}]}");

            assertEquals(200, edited.statusCode(), edited.body());
            assertEquals("azure", at(c.get("/api/status"), "providers", 0, "api"));
            assertEquals(
                    ProviderApi.AZURE,
                    g.gateway().config().providers().get("acme").api());
        }
    }
}
