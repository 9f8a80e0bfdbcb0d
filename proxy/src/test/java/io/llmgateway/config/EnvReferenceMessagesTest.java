package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A problem message names a ${VAR} reference, never what it expanded to: any variable may hold a secret. */
class EnvReferenceMessagesTest {
    private static final String TOKEN = "admin-token-0123456789";
    private static final Map<String, String> ENV = Map.of("ADMIN_TOKEN", TOKEN);
    private static final String NOT_SHOWN = " (from the environment; its value is not shown)";

    private static List<String> problems(String yaml) {
        List<String> problems = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, ENV))
                .problems();
        for (String p : problems) {
            assertFalse(p.contains(TOKEN), p);
        }
        return problems;
    }

    @Test
    void limit_fromAnotherVariable_namesTheReference() {
        assertEquals(
                List.of("api_provider.p.limits.rpm: expected a positive integer, got \"${ADMIN_TOKEN}\"" + NOT_SHOWN),
                problems("""
                api_provider:
                  p: {base_url: "https://p.example/v1", limits: {rpm: "${ADMIN_TOKEN}"}}
                model_config:
                  m: {p: {}}
                """));
    }

    @Test
    void embeddedReference_inUrlAndDuration_namesTheTextAsWritten() {
        assertEquals(
                List.of(
                        "server.request_timeout: expected a duration like 500ms, 30s, 5m, got \"x${ADMIN_TOKEN}\""
                                + NOT_SHOWN,
                        "api_provider.p.base_url: expected an absolute http or https URL like https://api.example.com/v1, got"
                                + " \"${ADMIN_TOKEN}\"" + NOT_SHOWN),
                problems("""
                server: {request_timeout: "x${ADMIN_TOKEN}"}
                api_provider:
                  p: {base_url: "${ADMIN_TOKEN}"}
                model_config:
                  m: {p: {}}
                """));
    }

    @Test
    void caFile_autoModel_clientKeyModelAndName_fromTheEnvironment_areNotShown() {
        assertEquals(
                List.of(
                        "api_provider.p.ca_file: cannot read certificates from \"${ADMIN_TOKEN}\"" + NOT_SHOWN
                                + ": NoSuchFileException",
                        "auto[0]: unknown model \"${ADMIN_TOKEN}\"" + NOT_SHOWN + " (known: m)",
                        "gateway.api_keys[0].models[0]: unknown model \"${ADMIN_TOKEN}\"" + NOT_SHOWN
                                + " (known: m, auto)",
                        "gateway.api_keys[2]: duplicate key name \"${ADMIN_TOKEN}\"" + NOT_SHOWN),
                problems("""
                api_provider:
                  p: {base_url: "https://p.example/v1", ca_file: "${ADMIN_TOKEN}"}
                model_config:
                  m: {p: {}}
                auto: ["${ADMIN_TOKEN}"]
                gateway:
                  api_keys:
                    - {name: a, key: k1, models: ["${ADMIN_TOKEN}"]}
                    - {name: "${ADMIN_TOKEN}", key: k2}
                    - {name: "${ADMIN_TOKEN}", key: k3}
                """));
    }

    @Test
    void escapedDollar_isShownAsWritten_withoutTheEnvironmentNote() {
        assertEquals(
                List.of("api_provider.p.limits.rpm: expected a positive integer, got \"$${ADMIN_TOKEN}\""),
                problems("""
                        api_provider:
                          p: {base_url: "https://p.example/v1", limits: {rpm: "$${ADMIN_TOKEN}"}}
                        model_config:
                          m: {p: {}}
                        """));
    }
}
