package io.llmgateway.admin;

import static io.llmgateway.admin.ConfigEdits.API_PROVIDER;
import static io.llmgateway.admin.ConfigEdits.AUTO;
import static io.llmgateway.admin.ConfigEdits.DIGITS;
import static io.llmgateway.admin.ConfigEdits.LIMITS;
import static io.llmgateway.admin.ConfigEdits.MODEL_CONFIG;
import static io.llmgateway.admin.ConfigEdits.NOT_LITERAL;

import io.llmgateway.admin.ConfigEdits.BadEdit;
import io.llmgateway.config.ConfigDocument;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/** One change object of a {@link ConfigEdits} edit, the name it is reported under, and what the edit found so far. */
record ConfigChange(String where, Map<?, ?> fields, ConfigEdits.Found found) {

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
            case "set_budget" -> BudgetEdits.apply(this, doc);
            default ->
                throw bad("unknown op " + quote(op) + " (expected one of: set_route, order_routes,"
                        + " add_route, remove_route, add_model, remove_model, set_provider, add_provider,"
                        + " remove_provider, set_budget)");
        }
    }

    private void orderRoutes(ConfigDocument doc) throws BadEdit {
        String model = existingModel(doc);
        List<String> order = names("providers");
        List<String> current = providersOf(doc, model);
        if (order.size() != current.size() || !new HashSet<>(order).equals(new HashSet<>(current))) {
            throw bad("providers: expected each of the model's providers once (" + String.join(", ", current) + ")");
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
            ConfigChange route = new ConfigChange(where + ".routes[" + i + "]", r, found);
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
                    throw bad("limits." + key + ": unknown limit (expected one of: " + String.join(", ", LIMITS) + ")");
                }
            }
            for (String limit : LIMITS) {
                if (limits.containsKey(limit)) {
                    putNumberOrRaw(doc, "limits." + limit, limits.get(limit), API_PROVIDER, provider, "limits", limit);
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

    String name(String field) throws BadEdit {
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
    String literal(String value, String... path) {
        if (value.contains("${")) {
            found.problems.add(String.join(".", path) + ": " + NOT_LITERAL);
        }
        return value;
    }

    BadEdit bad(String message) {
        return new BadEdit(where + ": " + message);
    }

    /** {@code base} with {@code key} added. */
    static String[] path(String[] base, String key) {
        String[] p = java.util.Arrays.copyOf(base, base.length + 1);
        p[base.length] = key;
        return p;
    }

    private static String quote(String s) {
        return '"' + s + '"';
    }
}
