package io.llmgateway.admin;

import io.llmgateway.config.ConfigDocument;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which {@code ${VAR}} references the admin API may set as a provider's {@code api_key}. A reference makes
 * the gateway send that variable's value to the provider's host, so an admin session must not be able to
 * point it at any variable of the process: only names ending in {@code _KEY}, and none that the config
 * already uses for something other than a provider key (the admin token, client keys, the limits store's
 * password), which would otherwise leave with the next request.
 */
final class KeyReferences {
    /** One whole reference, {@code ${NAME}} or {@code ${NAME:-default}} (a default without $ or }). */
    static final Pattern WHOLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-[^$}]*)?}");

    private static final Pattern ANY = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");

    private final Set<String> reserved;

    private KeyReferences(Set<String> reserved) {
        this.reserved = reserved;
    }

    /** The policy for an edit of {@code doc}: the variables its sections other than providers and models use. */
    static KeyReferences of(ConfigDocument doc) {
        ConfigDocument rest = doc.copy();
        rest.remove(ConfigEdits.API_PROVIDER);
        rest.remove(ConfigEdits.MODEL_CONFIG);
        Set<String> names = new HashSet<>();
        Matcher m = ANY.matcher(rest.toYaml());
        while (m.find()) {
            names.add(m.group(1));
        }
        return new KeyReferences(names);
    }

    /**
     * The problem with {@code key} as a value set through the admin API, or null when it may be stored. The
     * message never contains the value (it may be a literal key) but may name a variable.
     */
    String problem(String key) {
        if (!key.contains("${")) {
            return null;
        }
        Matcher m = WHOLE.matcher(key);
        if (!m.matches()) {
            return "a ${VAR} reference must be the whole value, like ${OPENAI_API_KEY} or ${OPENAI_API_KEY:-}"
                    + " (value not shown)";
        }
        String name = m.group(1);
        if (!name.endsWith("_KEY")) {
            return "${" + name + "} may not be set here: a key reference set through the admin API must name a"
                    + " variable ending in _KEY (write other references in the config file)";
        }
        if (reserved.contains(name)) {
            return "${" + name + "} is used elsewhere in the config (admin token, client keys or limits store)"
                    + " and is never sent to a provider";
        }
        return null;
    }
}
