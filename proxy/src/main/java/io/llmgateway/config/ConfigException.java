package io.llmgateway.config;

import java.util.List;

/**
 * A configuration that cannot be used. Each problem names its path in the file and what was expected,
 * e.g. {@code api_provider.acme.limits.rpm: expected a positive integer, got "ten"}.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** Every problem found, one line each, section by section in the order the loader reads them. */
    public List<String> problems() {
        return problems;
    }
}
