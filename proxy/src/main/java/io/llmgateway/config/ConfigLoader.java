package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads {@code config.yaml} (providers under {@code api_provider}, models under {@code model_config}, plus
 * the gateway's own sections: server, upstream, routing, gateway, logging, admin, ...) into a validated
 * {@link GatewayConfig}.
 *
 * <p>Every problem in the file is reported at once, one line each, as {@code path: problem} with the
 * path dotted from the root ({@code api_provider.acme.limits.rpm: expected a positive integer, got "ten"}).
 * {@code ${VAR}} and {@code ${VAR:-default}} in string values are taken from the given environment.
 * API key values never appear in a message.
 */
public final class ConfigLoader {

    private ConfigLoader() {}

    /**
     * Reads and validates a config file.
     *
     * @param env the environment for {@code ${VAR}} references, usually {@link System#getenv()}
     * @throws NoSuchFileException when {@code file} does not exist (so a caller can offer a default)
     * @throws ConfigException when the file cannot be read or is not a valid configuration
     */
    public static GatewayConfig load(Path file, Map<String, String> env) throws ConfigException, NoSuchFileException {
        requireNonNull(file, "file");
        requireNonNull(env, "env");
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": cannot read: not UTF-8 text");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file + ": cannot read: permission denied");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        return parse(yaml, env);
    }

    /**
     * Validates a configuration given as YAML text.
     *
     * @param env the environment for {@code ${VAR}} references
     * @throws ConfigException listing every problem found
     */
    public static GatewayConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        requireNonNull(yaml, "yaml");
        requireNonNull(env, "env");
        Node root = compose(yaml);
        if (root == null) {
            throw new ConfigException("the configuration is empty (expected at least the " + ConfigKeys.API_PROVIDER
                    + " and " + ConfigKeys.MODEL_CONFIG + " sections)");
        }
        if (!(root instanceof MappingNode)) {
            throw new ConfigException(
                    "the configuration must be a mapping of sections (" + String.join(", ", ConfigKeys.SECTIONS) + ")");
        }
        Problems problems = new Problems();
        GatewayConfig config = ConfigReader.read(ConfigNode.root(root, problems, Map.copyOf(env)));
        problems.throwIfAny();
        return config;
    }

    /**
     * Reads a document whose only section is {@code pricing}, in the syntax of the config file's: the
     * built-in price table ships in that form, so that an entry can be copied into config.yaml and edited.
     *
     * @throws ConfigException listing every problem found
     */
    public static Map<String, Price> parsePricing(String yaml) throws ConfigException {
        requireNonNull(yaml, "yaml");
        Node root = compose(yaml);
        if (!(root instanceof MappingNode)) {
            throw new ConfigException("expected a mapping with a " + ConfigKeys.PRICING + " section");
        }
        Problems problems = new Problems();
        ConfigNode node = ConfigNode.root(root, problems, Map.of());
        node.rejectUnknownKeys(List.of(ConfigKeys.PRICING), "section");
        Map<String, Price> prices = SpendReader.readPricing(node.get(ConfigKeys.PRICING));
        problems.throwIfAny();
        return prices;
    }

    /**
     * A ready-made configuration for trying the gateway without a config file: one provider {@code demo}
     * at {@code demoBaseUrl} (key {@code demo-key}, no limits) serving {@code gpt-4o-mini} and
     * {@code demo-model}, and the same server as an Anthropic provider {@code demo-anthropic} serving
     * {@code claude-demo} (for clients of the Messages API); every other setting at its default.
     */
    public static GatewayConfig demo(URI demoBaseUrl) {
        requireNonNull(demoBaseUrl, "demoBaseUrl");
        URI base = ProviderReader.withoutTrailingSlash(demoBaseUrl);
        ProviderConfig provider = new ProviderConfig("demo", base, "demo-key", Limits.NONE);
        ProviderConfig anthropic =
                new ProviderConfig("demo-anthropic", base, "demo-key", Limits.NONE).withApi(ProviderApi.ANTHROPIC);
        Map<String, ModelConfig> models = new LinkedHashMap<>();
        for (String model : List.of("gpt-4o-mini", "demo-model")) {
            models.put(model, new ModelConfig(model, List.of(new ModelRoute("demo", model, true, 1)), null, null));
        }
        models.put(
                "claude-demo",
                new ModelConfig(
                        "claude-demo", List.of(new ModelRoute(anthropic.name(), "claude-demo", true, 1)), null, null));
        Map<String, ProviderConfig> providers = new LinkedHashMap<>();
        providers.put(provider.name(), provider);
        providers.put(anthropic.name(), anthropic);
        return new GatewayConfig(
                ServerSettings.DEFAULT,
                UpstreamSettings.DEFAULT,
                RoutingSettings.defaults(),
                providers,
                models,
                List.of());
    }

    /** The single document's node tree, or null when the text holds no document. */
    private static Node compose(String yaml) throws ConfigException {
        return compose(yaml, false);
    }

    /**
     * The single document's node tree, or null when the text holds no document.
     *
     * @param withComments keep comments on the nodes, so that an edited tree can be written back with them
     */
    static Node compose(String yaml, boolean withComments) throws ConfigException {
        LoadSettings settings = LoadSettings.builder()
                // Core schema: "~" is null and "True" a boolean, as in YAML 1.1 files written for PyYAML.
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .setAllowRecursiveKeys(false)
                .setParseComments(withComments)
                .setLabel("config")
                .build();
        String text = yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml;
        try {
            return new Compose(settings).composeString(text).orElse(null);
        } catch (MarkedYamlEngineException e) {
            throw new ConfigException(syntaxError(e));
        } catch (ReaderException e) {
            throw new ConfigException(readerError(text, e));
        } catch (YamlEngineException e) {
            throw new ConfigException("YAML syntax error: " + e.getMessage());
        }
    }

    /**
     * Line, column and the parser's problem only: snakeyaml's own message quotes the offending line,
     * which may hold an API key.
     */
    private static String syntaxError(MarkedYamlEngineException e) {
        String where = e.getProblemMark()
                .or(e::getContextMark)
                .map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
                .orElse("");
        StringBuilder what = new StringBuilder();
        if (e.getContext() != null && !e.getContext().isBlank()) {
            what.append(e.getContext().strip()).append(", ");
        }
        what.append(e.getProblem() == null ? "invalid YAML" : e.getProblem().strip());
        return "YAML syntax error" + where + ": " + what;
    }

    /** A character YAML forbids (e.g. a control character); its position is a code point index. */
    private static String readerError(String text, ReaderException e) {
        int line = 1;
        int column = 1;
        int codePoints = 0;
        for (int i = 0;
                i < text.length() && codePoints < e.getPosition();
                i += Character.charCount(text.codePointAt(i))) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
            codePoints++;
        }
        return String.format(
                "YAML syntax error at line %d, column %d: character U+%04X is not allowed",
                line, column, e.getCodePoint());
    }
}
