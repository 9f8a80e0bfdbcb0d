package io.llmgateway.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem of one config file so that the user can fix them all in one go. */
final class Problems {
    private final List<String> lines = new ArrayList<>();

    /** Records {@code path: problem}; an empty path means the document as a whole. */
    void add(String path, String problem) {
        lines.add(path.isEmpty() ? problem : path + ": " + problem);
    }

    boolean isEmpty() {
        return lines.isEmpty();
    }

    void throwIfAny() throws ConfigException {
        if (!lines.isEmpty()) {
            throw new ConfigException(lines);
        }
    }
}
