package io.llmgateway.config;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/*
 * Design notes
 * - Messages echo a value as the user wrote it (strings quoted), not as YAML typed it.
 * - A ${VAR} reference is shown as the reference, never its value: any variable of the process may be named,
 *   and its value may be a secret.
 */
/** How config values and keys are shown in problem messages. */
final class ConfigText {
    private ConfigText() {}

    /** Whether {@code node} is a string holding a {@code ${VAR}} reference that reads the environment. */
    static boolean fromEnvironment(Node node) {
        return node instanceof ScalarNode scalar
                && isString(scalar)
                && EnvSubstitution.readsEnvironment(scalar.getValue());
    }

    static boolean isString(ScalarNode scalar) {
        // Plain ${VAR} values are resolved to the ENV tag by snakeyaml-engine; they are strings to us.
        return Tag.STR.equals(scalar.getTag()) || Tag.ENV_TAG.equals(scalar.getTag());
    }

    /** {@code node} as written: strings quoted, numbers and booleans bare, collections by kind. */
    static String written(Node node) {
        if (node instanceof ScalarNode scalar) {
            String value = scalar.getValue();
            if (fromEnvironment(node)) {
                return quote(value) + " (from the environment; its value is not shown)";
            }
            return isString(scalar) ? quote(value) : value;
        }
        return kind(node);
    }

    /** "a mapping", "a list", "nothing" or "a value". */
    static String kind(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        return n == null || Tag.NULL.equals(n.getTag()) ? "nothing" : "a value";
    }

    /** {@code " (line N)"}, or "" when the node has no position. */
    static String lineOf(Node n) {
        return n.getStartMark()
                .map(mark -> " (line " + (mark.getLine() + 1) + ")")
                .orElse("");
    }

    /** {@code s} in double quotes, with quotes, backslashes and control characters escaped. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < ' ') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
