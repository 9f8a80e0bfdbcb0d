package io.llmgateway.admin;

import io.llmgateway.config.ConfigDocument;
import io.llmgateway.config.ConfigException;
import java.util.ArrayList;
import java.util.HashSet;
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
 * </pre>
 */
final class ConfigEdits {
    static final String API_PROVIDER = "api_provider";
    static final String MODEL_CONFIG = "model_config";
    static final String AUTO = "auto";
    static final int MAX_CHANGES = 100;
    private static final List<String> LIMITS = List.of("rpm", "tpm", "rpd", "tpr");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
    private static final String NOT_LITERAL = "contains ${, which the admin API does not accept: values set there"
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
            Change c = new Change("changes[" + i + "]", change, found);
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
    private static final class Found {
        final Set<String> problems = new LinkedHashSet<>();
        final Set<String> keysGiven = new LinkedHashSet<>();
        final KeyReferences keyReferences;

        Found(KeyReferences keyReferences) {
            this.keyReferences = keyReferences;
        }
    }

    /** One change object, the name it is reported under, and what the edit found so far. */
    private record Change(String where, Map<?, ?> fields, Found found) {

        void apply(ConfigDocument doc) throws BadEdit {
            String op = name("op");
            switch (op) {
                case "set_route" -> {
                    String model = existingModel(doc);
                    String provider = listedProvider(doc, model);
                    routeOptions(doc, model, provider);
                }
                case "order_routes" -> orderRoutes(doc);
                case "add_route" -> {
                    String model = existingModel(doc);
                    String provider = name("provider");
                    if (providersOf(doc, model).contains(provider)) {
                        throw bad("model " + quote(model) + " already lists provider " + quote(provider));
                    }
                    doc.putMapping(MODEL_CONFIG, model, provider);
                    routeOptions(doc, model, provider);
                }
                case "remove_route" -> {
                    String model = existingModel(doc);
                    doc.remove(MODEL_CONFIG, model, listedProvider(doc, model));
                }
                case "add_model" -> addModel(doc);
                case "remove_model" -> removeModel(doc, existingModel(doc));
                case "set_provider" -> {
                    String provider = existingProvider(doc);
                    providerOptions(doc, provider);
                }
                case "add_provider" -> {
                    String provider = name("provider");
                    if (doc.has(API_PROVIDER, provider)) {
                        throw bad("provider " + quote(provider) + " already exists");
                    }
                    if (!fields.containsKey("base_url")) {
                        throw bad("base_url: required for a new provider");
                    }
                    doc.putMapping(API_PROVIDER, provider);
                    providerOptions(doc, provider);
                }
                case "remove_provider" -> doc.remove(API_PROVIDER, existingProvider(doc));
                default ->
                    throw bad("unknown op " + quote(op) + " (expected one of: set_route, order_routes,"
                            + " add_route, remove_route, add_model, remove_model, set_provider, add_provider,"
                            + " remove_provider)");
            }
        }

        private void orderRoutes(ConfigDocument doc) throws BadEdit {
            String model = existingModel(doc);
            List<String> order = names("providers");
            List<String> current = providersOf(doc, model);
            if (order.size() != current.size() || !new HashSet<>(order).equals(new HashSet<>(current))) {
                throw bad(
                        "providers: expected each of the model's providers once (" + String.join(", ", current) + ")");
            }
            doc.reorder(order, MODEL_CONFIG, model);
        }

        private void addModel(ConfigDocument doc) throws BadEdit {
            String model = name("model");
            if (doc.has(MODEL_CONFIG, model)) {
                throw bad("model " + quote(model) + " already exists");
            }
            doc.putMapping(MODEL_CONFIG, model);
            Object routes = fields.get("routes");
            if (routes == null) {
                return; // the loader will say that a model needs a provider
            }
            if (!(routes instanceof List<?> list)) {
                throw bad("routes: expected a list of {provider, alias?, enable?, weight?}");
            }
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof Map<?, ?> r)) {
                    throw bad("routes[" + i + "]: expected an object with a provider");
                }
                Change route = new Change(where + ".routes[" + i + "]", r, found);
                String provider = route.name("provider");
                if (doc.has(MODEL_CONFIG, model, provider)) {
                    throw route.bad("provider " + quote(provider) + " is listed twice");
                }
                doc.putMapping(MODEL_CONFIG, model, provider);
                route.routeOptions(doc, model, provider);
            }
        }

        private static void removeModel(ConfigDocument doc, String model) {
            doc.remove(MODEL_CONFIG, model);
            List<String> auto = doc.sequence(AUTO);
            if (auto != null && auto.contains(model)) {
                List<String> rest = new ArrayList<>(auto);
                rest.removeIf(model::equals);
                if (rest.isEmpty()) {
                    doc.remove(AUTO); // an empty list means "every model", which is what is left
                } else {
                    doc.putSequence(rest, AUTO);
                }
            }
        }

        private void routeOptions(ConfigDocument doc, String model, String provider) throws BadEdit {
            String[] base = {MODEL_CONFIG, model, provider};
            if (fields.containsKey("enable")) {
                Object v = fields.get("enable");
                if (v == null) {
                    doc.remove(path(base, "enable"));
                } else if (v instanceof Boolean b) {
                    doc.putBoolean(b, path(base, "enable"));
                } else {
                    throw bad("enable: expected true, false or null");
                }
            }
            if (fields.containsKey("alias")) {
                Object v = fields.get("alias");
                if (v == null || "".equals(v)) {
                    doc.remove(path(base, "alias"));
                } else if (v instanceof String s) {
                    doc.putString(literal(s.strip(), path(base, "alias")), path(base, "alias"));
                } else {
                    throw bad("alias: expected a model name or null");
                }
            }
            if (fields.containsKey("weight")) {
                putNumberOrRaw(doc, "weight", fields.get("weight"), path(base, "weight"));
            }
        }

        private void providerOptions(ConfigDocument doc, String provider) throws BadEdit {
            if (fields.containsKey("api")) {
                String problem = ProviderApiEdits.setApi(doc, provider, fields.get("api"), fields.keySet());
                if (problem != null) {
                    throw bad(problem);
                }
            }
            for (String option : List.of("anthropic_version", "api_version")) {
                if (fields.containsKey(option)) {
                    Object v = fields.get(option);
                    String[] path = {API_PROVIDER, provider, option};
                    if (v == null || "".equals(v)) {
                        doc.remove(path);
                    } else if (v instanceof String s) {
                        doc.putString(literal(s.strip(), path), path); // the loader judges the value
                    } else {
                        throw bad(option + ": expected a string or null");
                    }
                }
            }
            if (fields.containsKey("default_max_tokens")) {
                putNumberOrRaw(
                        doc,
                        "default_max_tokens",
                        fields.get("default_max_tokens"),
                        API_PROVIDER,
                        provider,
                        "default_max_tokens");
            }
            if (fields.containsKey("base_url")) {
                Object v = fields.get("base_url");
                if (!(v instanceof String s) || s.isBlank()) {
                    throw bad("base_url: expected an http(s) URL");
                }
                String[] path = {API_PROVIDER, provider, "base_url"};
                doc.putString(literal(s.strip(), path), path);
            }
            if (fields.containsKey("api_key")) {
                // Write-only: the value is never echoed, not even in an error message.
                Object v = fields.get("api_key");
                if (v == null || "".equals(v)) {
                    doc.remove(API_PROVIDER, provider, "api_key");
                } else if (v instanceof String s) {
                    String key = s.strip();
                    String problem = found.keyReferences.problem(key);
                    if (problem != null) {
                        found.problems.add(String.join(".", API_PROVIDER, provider, "api_key") + ": " + problem);
                    }
                    found.keysGiven.add(provider);
                    doc.putString(key, API_PROVIDER, provider, "api_key");
                } else {
                    throw bad("api_key: expected a string or null");
                }
            }
            if (fields.containsKey("limits")) {
                Object v = fields.get("limits");
                if (v == null) {
                    doc.remove(API_PROVIDER, provider, "limits");
                    return;
                }
                if (!(v instanceof Map<?, ?> limits)) {
                    throw bad("limits: expected an object like {\"rpm\": 60, \"tpm\": null}");
                }
                for (Object key : limits.keySet()) {
                    if (!LIMITS.contains(key)) {
                        throw bad("limits." + key + ": unknown limit (expected one of: " + String.join(", ", LIMITS)
                                + ")");
                    }
                }
                for (String limit : LIMITS) {
                    if (limits.containsKey(limit)) {
                        putNumberOrRaw(
                                doc, "limits." + limit, limits.get(limit), API_PROVIDER, provider, "limits", limit);
                    }
                }
                if (doc.isMapping(API_PROVIDER, provider, "limits")
                        && doc.keys(API_PROVIDER, provider, "limits").isEmpty()) {
                    doc.remove(API_PROVIDER, provider, "limits");
                }
            }
        }

        /** null removes; an integer (or a string of digits) is written as a number; other text as written. */
        private void putNumberOrRaw(ConfigDocument doc, String field, Object v, String... path) throws BadEdit {
            if (v == null || v instanceof String s && s.isBlank()) {
                doc.remove(path);
            } else if (v instanceof Long n) {
                doc.putNumber(n, path);
            } else if (v instanceof String s && DIGITS.matcher(s.strip()).matches()) {
                doc.putNumber(Long.parseLong(s.strip()), path);
            } else if (v instanceof String s) {
                doc.putString(literal(s.strip(), path), path); // e.g. "ten": the loader judges it
            } else {
                throw bad(field + ": expected a whole number or null");
            }
        }

        private String existingModel(ConfigDocument doc) throws BadEdit {
            String model = name("model");
            if (!doc.has(MODEL_CONFIG, model)) {
                throw bad("no model " + quote(model));
            }
            return model;
        }

        private String existingProvider(ConfigDocument doc) throws BadEdit {
            String provider = name("provider");
            if (!doc.has(API_PROVIDER, provider)) {
                throw bad("no provider " + quote(provider));
            }
            return provider;
        }

        private String listedProvider(ConfigDocument doc, String model) throws BadEdit {
            String provider = name("provider");
            if (!providersOf(doc, model).contains(provider)) {
                throw bad("model " + quote(model) + " does not list provider " + quote(provider));
            }
            return provider;
        }

        private static List<String> providersOf(ConfigDocument doc, String model) {
            List<String> keys = doc.keys(MODEL_CONFIG, model);
            keys.removeAll(ConfigDocument.MODEL_OPTIONS);
            return keys;
        }

        private String name(String field) throws BadEdit {
            Object v = fields.get(field);
            if (!(v instanceof String s) || s.isBlank()) {
                throw bad(field + ": expected a non-empty name");
            }
            if (s.length() > 200 || s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw bad(field + ": expected a name of at most 200 characters without control characters");
            }
            return s;
        }

        private List<String> names(String field) throws BadEdit {
            Object v = fields.get(field);
            if (!(v instanceof List<?> list)) {
                throw bad(field + ": expected a list of names");
            }
            List<String> out = new ArrayList<>();
            for (Object item : list) {
                if (!(item instanceof String s)) {
                    throw bad(field + ": expected a list of names");
                }
                out.add(s);
            }
            return out;
        }

        /** {@code value}, after recording a problem at {@code path} if it would read the environment. */
        private String literal(String value, String... path) {
            if (value.contains("${")) {
                found.problems.add(String.join(".", path) + ": " + NOT_LITERAL);
            }
            return value;
        }

        private BadEdit bad(String message) {
            return new BadEdit(where + ": " + message);
        }

        private static String[] path(String[] base, String key) {
            String[] p = java.util.Arrays.copyOf(base, base.length + 1);
            p[base.length] = key;
            return p;
        }

        private static String quote(String s) {
            return '"' + s + '"';
        }
    }
}
