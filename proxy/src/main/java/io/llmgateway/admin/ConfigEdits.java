package io.llmgateway.admin;

import io.llmgateway.config.ConfigDocument;
import io.llmgateway.config.ConfigException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Applies the admin page's changes to a {@link ConfigDocument}. Each change is one JSON object with an
 * {@code op}; in every option, an absent field means "leave as is" and {@code null} means "remove, back to
 * the default". Only the structure a change needs is checked here (the model exists, the provider is
 * listed); whether the result is a valid configuration is decided afterwards by the config loader, on
 * the whole document, exactly as for the file.
 *
 * <p>Values given here are literal: none may contain {@code ${}, which would read the process environment
 * when the written file is loaded (an alias of {@code ${OPENAI_API_KEY}} would show the key in the status).
 * The one exception is {@code api_key}, which the page offers as a whole {@code ${VAR}} reference.
 * Such values are reported like the loader's problems (422), naming the field, never echoing the value.
 *
 * <pre>
 * set_route      {model, provider, enable?, alias?, weight?}
 * order_routes   {model, providers: [all of the model's providers, in the new order]}
 * add_route      {model, provider, enable?, alias?, weight?}
 * remove_route   {model, provider}
 * add_model      {model, routes: [{provider, enable?, alias?, weight?}, ...]}
 * remove_model   {model}                        (also leaves the auto list)
 * set_provider   {provider, api?, base_url?, api_key?, anthropic_version?, default_max_tokens?, api_version?,
 *                 limits?: {rpm?, tpm?, rpd?, tpr?}}       (a new api drops the other apis' options)
 * add_provider   {provider, base_url, api?, api_key?, anthropic_version?, default_max_tokens?, api_version?,
 *                 limits?}
 * remove_provider {provider}
 * set_budget     {kind: key|provider, name, budget: {usd?, period?, unpriced?} | null}   ({@link BudgetEdits})
 * </pre>
 */
final class ConfigEdits {
    static final String API_PROVIDER = "api_provider";
    static final String MODEL_CONFIG = "model_config";
    static final String AUTO = "auto";
    static final int MAX_CHANGES = 100;
    static final List<String> LIMITS = List.of("rpm", "tpm", "rpd", "tpr");
    static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
    static final String NOT_LITERAL = "contains ${, which the admin API does not accept: values set there"
            + " are literal and never read the environment (write ${VAR} references in the config file;"
            + " only api_key may be one here)";

    /** A change that cannot be applied as asked (400); the message names the change and the problem. */
    static final class BadEdit extends Exception {
        private static final long serialVersionUID = 1L;

        BadEdit(String message) {
            super(message, null, false, false);
        }
    }

    private ConfigEdits() {}

    /**
     * Applies every change in order; on an exception the document is half-edited and must be dropped.
     *
     * @return the providers this edit gives an api_key (a value, not a removal)
     * @throws BadEdit when a change is malformed or names what does not exist
     * @throws ConfigException when a value would read the environment (every such value, by path)
     */
    static Set<String> apply(ConfigDocument doc, Object changes) throws BadEdit, ConfigException {
        if (!(changes instanceof List<?> list) || list.isEmpty()) {
            throw new BadEdit("changes: expected a non-empty list of changes");
        }
        if (list.size() > MAX_CHANGES) {
            throw new BadEdit("changes: " + list.size() + " changes (expected: at most " + MAX_CHANGES + ")");
        }
        Found found = new Found(KeyReferences.of(doc));
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> change)) {
                throw new BadEdit("changes[" + i + "]: expected an object with an \"op\"");
            }
            ConfigChange c = new ConfigChange("changes[" + i + "]", change, found);
            try {
                c.apply(doc);
            } catch (IllegalArgumentException e) {
                throw c.bad(e.getMessage()); // e.g. a value shared through a YAML anchor
            }
        }
        if (!found.problems.isEmpty()) {
            throw new ConfigException(List.copyOf(found.problems));
        }
        return found.keysGiven;
    }

    /** What the changes of one edit have in common: problems with their values, providers given a key. */
    static final class Found {
        final Set<String> problems = new LinkedHashSet<>();
        final Set<String> keysGiven = new LinkedHashSet<>();
        final KeyReferences keyReferences;

        Found(KeyReferences keyReferences) {
            this.keyReferences = keyReferences;
        }
    }
}
