package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ConfigDocumentTest {
    private static final String YAML = """
            # LLM Gateway config (header comment)

            routing:
              strategy: headroom   # unknown to the admin page
            api_provider:
              acme:    # the main one
                base_url: ${ACME_URL:-https://acme.example/v1}
                api_key: "${ACME_KEY}"
                limits: {rpm: 60, tpm: 1000}   # flow style
              beta:
                base_url: 'https://beta.example/v1'
            model_config:
              gpt-4o:
                encoding: o200k_base
                acme:
                  weight: 3
                beta:
              "<script>alert(1)</script>":
                acme: {alias: x}
            auto: [gpt-4o]  # auto list
            # trailing comment
            """;

    @Test
    void toYaml_unedited_keepsCommentsReferencesQuotesAndStyles() throws Exception {
        String out = ConfigDocument.parse(YAML).toYaml();
        assertTrue(out.contains("# LLM Gateway config (header comment)"), out);
        assertTrue(out.contains("strategy: headroom # unknown to the admin page"), out);
        assertTrue(out.contains("acme: # the main one"), out);
        assertTrue(out.contains("base_url: ${ACME_URL:-https://acme.example/v1}"), out);
        assertTrue(out.contains("api_key: \"${ACME_KEY}\""), out);
        assertTrue(out.contains("limits: {rpm: 60, tpm: 1000} # flow style"), out);
        assertTrue(out.contains("base_url: 'https://beta.example/v1'"), out);
        assertTrue(out.contains("auto: [gpt-4o] # auto list"), out);
        assertTrue(out.contains("# trailing comment"), out);
        assertEquals(
                ConfigLoader.parse(YAML, Map.of("ACME_KEY", "k")),
                ConfigLoader.parse(out, Map.of("ACME_KEY", "k")),
                "same meaning");
    }

    @Test
    void toYaml_exampleFile_isTheSameConfigAndKeepsEveryComment() throws Exception {
        Path example = Stream.of(Path.of("..", "config.yaml.example"), Path.of("config.yaml.example"))
                .filter(Files::isRegularFile)
                .findFirst()
                .orElseThrow();
        String text = Files.readString(example);
        String out = ConfigDocument.parse(text).toYaml();
        Map<String, String> env = Map.of(
                "OPENAI_API_KEY",
                "a",
                "BACKUP_API_KEY",
                "b",
                "ANTHROPIC_API_KEY",
                "c",
                "AZURE_OPENAI_KEY",
                "d",
                "GEMINI_API_KEY",
                "e",
                "ADMIN_TOKEN",
                "t".repeat(16));
        assertEquals(ConfigLoader.parse(text, env), ConfigLoader.parse(out, env));
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            if (hash >= 0 && !line.contains("'#")) {
                String comment = line.substring(hash).strip();
                assertTrue(out.contains(comment), "lost comment: " + comment);
            }
        }
    }

    @Test
    void scalar_readsRawTextAsWritten() throws Exception {
        ConfigDocument doc = ConfigDocument.parse(YAML);
        assertEquals("${ACME_URL:-https://acme.example/v1}", doc.scalar("api_provider", "acme", "base_url"));
        assertEquals("60", doc.scalar("api_provider", "acme", "limits", "rpm"));
        assertNull(doc.scalar("model_config", "gpt-4o", "beta"), "an empty value is no scalar");
        assertTrue(doc.has("model_config", "gpt-4o", "beta"));
        assertFalse(doc.has("model_config", "gpt-4o", "gamma"));
        assertEquals(List.of("encoding", "acme", "beta"), doc.keys("model_config", "gpt-4o"));
        assertEquals(List.of("gpt-4o"), doc.sequence("auto"));
        assertNull(doc.sequence("routing"));
    }

    @Test
    void putNumber_replacesValueKeepingItsComment() throws Exception {
        ConfigDocument doc = ConfigDocument.parse("limits:\n  rpm: 60   # per key\n");
        doc.putNumber(120, "limits", "rpm");
        assertEquals("limits:\n  rpm: 120 # per key\n", doc.toYaml());
    }

    @Test
    void putBoolean_onEmptyValue_turnsItIntoAMapping() throws Exception {
        ConfigDocument doc = ConfigDocument.parse(YAML);
        doc.putBoolean(false, "model_config", "gpt-4o", "beta", "enable");
        String out = doc.toYaml();
        assertTrue(out.contains("    beta:\n      enable: false\n"), out);
    }

    @Test
    void putString_quotesWhatYamlWouldReadAsSomethingElse() throws Exception {
        ConfigDocument doc = ConfigDocument.empty();
        doc.putString("true", "a");
        doc.putString("12", "b");
        doc.putString("x: y # z", "c");
        doc.putString("${NEW_KEY}", "d");
        doc.putString("plain", "e");
        String out = doc.toYaml();
        ConfigDocument back = ConfigDocument.parse(out);
        assertEquals("true", back.scalar("a"));
        assertEquals("12", back.scalar("b"));
        assertEquals("x: y # z", back.scalar("c"));
        assertEquals("${NEW_KEY}", back.scalar("d"));
        assertTrue(out.contains("d: ${NEW_KEY}\n"), "a reference is written as users write it: " + out);
        assertTrue(out.contains("e: plain\n"), out);
    }

    @Test
    void put_createsMissingParents() {
        ConfigDocument doc = ConfigDocument.empty();
        doc.putNumber(5, "api_provider", "acme", "limits", "rpd");
        assertEquals("api_provider:\n  acme:\n    limits:\n      rpd: 5\n", doc.toYaml());
    }

    @Test
    void remove_deletesEntryAndReportsWhetherThereWasOne() throws Exception {
        ConfigDocument doc = ConfigDocument.parse(YAML);
        assertTrue(doc.remove("api_provider", "acme", "limits"));
        assertFalse(doc.remove("api_provider", "acme", "limits"));
        assertFalse(doc.remove("nothing", "here"));
        assertFalse(doc.toYaml().contains("rpm"));
    }

    @Test
    void reorder_movesOnlyTheNamedKeysWithinTheirPlaces() throws Exception {
        ConfigDocument doc = ConfigDocument.parse(YAML);
        doc.reorder(List.of("beta", "acme"), "model_config", "gpt-4o");
        assertEquals(List.of("encoding", "beta", "acme"), doc.keys("model_config", "gpt-4o"));
        assertThrows(
                IllegalArgumentException.class, () -> doc.reorder(List.of("acme", "acme"), "model_config", "gpt-4o"));
        assertThrows(IllegalArgumentException.class, () -> doc.reorder(List.of("zeta"), "model_config", "gpt-4o"));
    }

    @Test
    void putSequence_keepsFlowStyleAndComment() throws Exception {
        ConfigDocument doc = ConfigDocument.parse(YAML);
        doc.putSequence(List.of("gpt-4o", "<script>alert(1)</script>"), "auto");
        String out = doc.toYaml();
        assertTrue(out.contains("auto: [gpt-4o, <script>alert(1)</script>] # auto list"), out);
    }

    @Test
    void copy_isIndependent() throws Exception {
        ConfigDocument doc = ConfigDocument.parse(YAML);
        ConfigDocument copy = doc.copy();
        copy.remove("routing");
        assertTrue(doc.has("routing"));
        assertFalse(copy.has("routing"));
    }

    @Test
    void parse_syntaxError_isAConfigExceptionWithLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigDocument.parse("a: [1, 2\nb: 3\n"));
        assertTrue(e.getMessage().startsWith("YAML syntax error at line"), e.getMessage());
    }

    @Test
    void parse_notAMapping_refused() {
        assertThrows(ConfigException.class, () -> ConfigDocument.parse("- a\n- b\n"));
    }

    @Test
    void edit_throughAnAnchoredNode_refused_soItsAliasesDoNotChangeSilently() throws Exception {
        ConfigDocument doc = ConfigDocument.parse("a:\n  limits: &shared {rpm: 60}\nb:\n  limits: *shared\nc: 1\n");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> doc.putNumber(10, "a", "limits", "rpm"));
        assertEquals("a.limits.rpm is shared through the YAML anchor &shared; edit it in the file", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> doc.remove("b", "limits", "rpm"));
        doc.putNumber(2, "c");
        assertTrue(doc.remove("b", "limits"), "replacing the alias itself is fine");
        assertTrue(doc.toYaml().contains("&shared"), doc.toYaml());
    }

    @Test
    void empty_emitsAnEmptyMapping() throws Exception {
        assertEquals("{}\n", ConfigDocument.empty().toYaml());
        assertEquals(List.of(), ConfigDocument.parse("").keys());
    }

    @Test
    void listItems_indexedByDigits_editedInPlace() throws Exception {
        ConfigDocument doc = ConfigDocument.parse("""
                gateway:
                  api_keys:
                    - name: a   # first
                      key: k1
                    - {name: b, key: k2}
                """);

        doc.putNumber(50, "gateway", "api_keys", "0", "budget", "usd");
        doc.putString("day", "gateway", "api_keys", "1", "budget", "period");

        assertEquals("a", doc.scalar("gateway", "api_keys", "0", "name"));
        assertEquals("50", doc.scalar("gateway", "api_keys", "0", "budget", "usd"));
        assertEquals("day", doc.scalar("gateway", "api_keys", "1", "budget", "period"));
        assertTrue(doc.toYaml().contains("- name: a # first"), doc.toYaml());
        assertTrue(doc.remove("gateway", "api_keys", "1", "budget"));
        assertFalse(doc.has("gateway", "api_keys", "1", "budget"));
        assertFalse(doc.has("gateway", "api_keys", "2"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> doc.putNumber(1, "gateway", "api_keys", "2", "budget", "usd"));
        assertEquals("gateway.api_keys.2: no such list item", e.getMessage());
    }

    @Test
    void listItem_sharedThroughAnAnchor_refused() throws Exception {
        ConfigDocument doc = ConfigDocument.parse("""
                gateway:
                  api_keys:
                    - &k {name: a, key: k1}
                """);

        assertThrows(IllegalArgumentException.class, () -> doc.putNumber(5, "gateway", "api_keys", "0", "rpm"));
    }
}
