package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Endpoint families of proxied paths, and the providers' {@code extra_endpoints} option. */
class EndpointsTest {

    @Test
    void extraFamily_documentedFamiliesAreNull() {
        for (String path : List.of(
                "/chat/completions",
                "/chat/completions?x=1",
                "/completions",
                "/embeddings",
                "/responses",
                "/responses/resp_1/cancel",
                "/messages",
                "/messages/count_tokens",
                "/moderations",
                "/audio/transcriptions",
                "/audio/speech",
                "/images/generations",
                "/images/edits")) {
            assertNull(Endpoints.extraFamily(path), path);
        }
    }

    @Test
    void extraFamily_othersAreTheirFirstSegment() {
        assertEquals("batches", Endpoints.extraFamily("/batches"));
        assertEquals("batches", Endpoints.extraFamily("/batches/b1/cancel?after=x/y"));
        assertEquals("fine_tuning", Endpoints.extraFamily("/fine_tuning/jobs"));
        assertEquals("chat", Endpoints.extraFamily("/chat"), "chat alone is not chat/completions");
        assertEquals("completionsx", Endpoints.extraFamily("/completionsx"));
        assertEquals("files", Endpoints.extraFamily("/files?purpose=batch"));
    }

    @Test
    void extraFamily_dotSegment_isNoFamily() {
        assertEquals(Endpoints.NONE, Endpoints.extraFamily("/chat/completions/../../batches"));
        assertEquals(Endpoints.NONE, Endpoints.extraFamily("/chat/completions/..;/..;/batches"));
        assertEquals(Endpoints.NONE, Endpoints.extraFamily("/./batches"));
        assertEquals("chat", Endpoints.extraFamily("/chat/x?q=/../"), "the query is not the path");
    }

    private static final String CONFIG = """
            api_provider:
              a: {base_url: "https://a.example/v1", extra_endpoints: %s}
              b: {base_url: "https://b.example/v1"}
            model_config:
              m: {a: {}, b: {}}
            """;

    @Test
    void extraEndpoints_readInOrder_defaultEmpty() throws Exception {
        GatewayConfig c = ConfigLoader.parse(CONFIG.formatted("[fine_tuning, batches]"), Map.of());

        assertEquals(
                List.of("fine_tuning", "batches"),
                List.copyOf(c.providers().get("a").extraEndpoints()));
        assertEquals(Set.of(), c.providers().get("b").extraEndpoints());
        assertEquals(true, c.providers().get("a").takes("batches"));
        assertEquals(false, c.providers().get("b").takes("batches"));
        assertEquals(true, c.providers().get("b").takes(null));
    }

    @Test
    void extraEndpoints_badEntries_areProblems() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.parse(
                        CONFIG.formatted("[embeddings, \"chat/completions\", Batches, batches, batches, \"\"]"),
                        Map.of()));

        String always = " is always forwarded (so are chat/completions, completions, embeddings, responses,"
                + " messages, moderations, audio, images); list only other endpoints, like batches or fine_tuning";
        assertEquals(
                List.of(
                        "api_provider.a.extra_endpoints[0]: \"embeddings\"" + always,
                        "api_provider.a.extra_endpoints[1]: \"chat/completions\"" + always,
                        "api_provider.a.extra_endpoints[2]: expected an endpoint name like batches or fine_tuning (the path"
                                + " segment after /v1/), got \"Batches\"",
                        "api_provider.a.extra_endpoints[4]: duplicate endpoint \"batches\"",
                        "api_provider.a.extra_endpoints[5]: expected an endpoint name like batches or fine_tuning, got \"\""),
                e.problems());
    }

    @Test
    void extraEndpoints_notAList_isAProblem() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> ConfigLoader.parse(CONFIG.formatted("batches"), Map.of()));

        assertEquals(List.of("api_provider.a.extra_endpoints: expected a list, got \"batches\""), e.problems());
    }

    @Test
    void clientKey_autoWithoutAnyOfItsModels_isAProblem() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                api_provider:
                  p: {base_url: "https://p.example/v1"}
                model_config:
                  small: {p: {}}
                  big: {p: {}}
                auto: [big]
                gateway:
                  api_keys:
                    - {name: ok, key: k1, models: [big, auto]}
                    - {name: bad, key: k2, models: [small, auto]}
                """, Map.of()));

        assertEquals(
                List.of("gateway.api_keys[1].models: lists auto but none of the models auto chooses from (big);"
                        + " auto only chooses among the models this key may use"),
                e.problems());
    }
}
