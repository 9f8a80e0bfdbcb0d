package io.llmgateway.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} (default used when VAR is unset or empty, as in a
 * shell) inside a string value; {@code $${} stands for a literal <code>${</code>. No nesting.
 *
 * <p>Failure messages never repeat the text being expanded: it may be an API key.
 */
final class EnvSubstitution {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** A reference that cannot be expanded; the message is safe to show (it names only the variable). */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private EnvSubstitution() {}

    /** True when {@code text} contains something {@link #expand} would replace. */
    static boolean hasReference(String text) {
        return text.contains("${");
    }

    /** True when {@code text} reads the environment: a {@code ${...}} that is not the {@code $${} escape. */
    static boolean readsEnvironment(String text) {
        return hasReference(text) && text.replace("$${", "").contains("${");
    }

    static String expand(String text, Map<String, String> env) throws Failure {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    throw new Failure("unterminated ${ (write $${ for a literal ${)");
                }
                out.append(resolve(text.substring(i + 2, close), env));
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String resolve(String reference, Map<String, String> env) throws Failure {
        int separator = reference.indexOf(":-");
        String name = separator < 0 ? reference : reference.substring(0, separator);
        if (!NAME.matcher(name).matches()) {
            throw new Failure(
                    "invalid ${...} reference (expected ${NAME} or ${NAME:-default};" + " write $${ for a literal ${)");
        }
        String value = env.get(name);
        if (separator >= 0 && (value == null || value.isEmpty())) {
            return reference.substring(separator + 2);
        }
        if (value == null) {
            throw new Failure("environment variable " + name + " is not set");
        }
        return value;
    }
}
