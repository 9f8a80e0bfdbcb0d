package io.llmgateway.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/*
 * Design notes
 * - A YAML node plus its dotted path from the root, so every problem can say where it is.
 * - Typed readers never throw: a bad value is recorded in Problems and the default is returned, so one
 *   pass reports every mistake in the file and the caller still gets values to build records with
 *   (they are thrown away when any problem was found).
 * - null, "~", an empty value, and a ${VAR} reference that expands to nothing all mean "not set": the
 *   option keeps its default. That lets "rpm: ${RPM:-}" stay unlimited unless RPM is set.
 * - Values are judged by their text as written, not by YAML's type guess, so "rpm: '60'" and
 *   "rpm: ${RPM}" work, and messages echo exactly what the user wrote (strings quoted).
 * - A message never shows what a ${VAR} expanded to, only the reference as written: any variable of the
 *   process may be named, and its value may be a secret (rpm: ${ADMIN_TOKEN} must not print the token).
 * - asSecret() never lets the value reach a message.
 */
final class ConfigNode {
    private final String path;
    private final Node node; // null when the key is absent
    private final Problems problems;
    private final Map<String, String> env;

    private boolean expanded;
    private String text; // expanded scalar text; null when not a scalar or expansion failed
    private Map<String, ConfigNode> entries;

    private ConfigNode(String path, Node node, Problems problems, Map<String, String> env) {
        this.path = path;
        this.node = node;
        this.problems = problems;
        this.env = env;
    }

    static ConfigNode root(Node node, Problems problems, Map<String, String> env) {
        return new ConfigNode("", node, problems, env);
    }

    String path() {
        return path;
    }

    /** Records {@code path: message}. */
    void problem(String message) {
        problems.add(path, message);
    }

    /** Records {@code path: expected WHAT, got VALUE-AS-WRITTEN}. */
    void expected(String what) {
        problem("expected " + what + ", got " + written());
    }

    /** Whether the value is (or contains) a {@code ${VAR}} reference that reads the environment. */
    boolean fromEnvironment() {
        return ConfigText.fromEnvironment(node);
    }

    // ---- shape

    boolean isAbsent() {
        if (node == null || Tag.NULL.equals(node.getTag())) {
            return true;
        }
        if (node instanceof ScalarNode scalar && EnvSubstitution.hasReference(scalar.getValue())) {
            String value = text();
            return value != null && value.isEmpty();
        }
        return false;
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    boolean isList() {
        return node instanceof SequenceNode;
    }

    /**
     * The entries of a mapping in file order. Absent: empty. Not a mapping: one problem, empty.
     * Reports duplicate keys (the later one is ignored) and keys that are not plain names.
     */
    Map<String, ConfigNode> entries() {
        if (entries != null) {
            return entries;
        }
        Map<String, ConfigNode> result = new LinkedHashMap<>();
        if (!isAbsent()) {
            if (node instanceof MappingNode mapping) {
                for (NodeTuple tuple : mapping.getValue()) {
                    readEntry(tuple, result);
                }
            } else {
                expected("a mapping");
            }
        }
        entries = Collections.unmodifiableMap(result);
        return entries;
    }

    private void readEntry(NodeTuple tuple, Map<String, ConfigNode> result) {
        Node keyNode = tuple.getKeyNode();
        if (!(keyNode instanceof ScalarNode key) || Tag.NULL.equals(keyNode.getTag())) {
            problem("keys must be plain names, found " + ConfigText.kind(keyNode) + ConfigText.lineOf(keyNode));
            return;
        }
        String name = key.getValue();
        if (result.containsKey(name)) {
            problem("duplicate key " + ConfigText.quote(name) + ConfigText.lineOf(keyNode));
            return;
        }
        String childPath = path.isEmpty() ? name : path + '.' + name;
        result.put(name, new ConfigNode(childPath, tuple.getValueNode(), problems, env));
    }

    /** The value under {@code key}; an absent node when the key is not there. */
    ConfigNode get(String key) {
        ConfigNode child = entries().get(key);
        if (child != null) {
            return child;
        }
        return new ConfigNode(path.isEmpty() ? key : path + '.' + key, null, problems, env);
    }

    /** Reports each key not in {@code known}: {@code path.key: unknown KIND (expected one of: a, b)}. */
    void rejectUnknownKeys(List<String> known, String kind) {
        for (Map.Entry<String, ConfigNode> entry : entries().entrySet()) {
            if (!known.contains(entry.getKey())) {
                entry.getValue().problem("unknown " + kind + " (expected one of: " + String.join(", ", known) + ")");
            }
        }
    }

    /** The items of a list, with paths {@code path[i]}. Absent: empty. Not a list: one problem, empty. */
    List<ConfigNode> elements() {
        if (isAbsent()) {
            return List.of();
        }
        if (!(node instanceof SequenceNode sequence)) {
            expected("a list");
            return List.of();
        }
        List<ConfigNode> result = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            result.add(new ConfigNode(path + '[' + result.size() + ']', item, problems, env));
        }
        return result;
    }

    // ---- typed values; each returns its default when the value is absent or wrong (wrong = recorded)

    String asString(String defaultValue) {
        String value = scalarOrReport("a string");
        return value == null ? defaultValue : value;
    }

    /** Like {@link #asString} but rejects the empty string. */
    String asNonEmptyString(String what, String defaultValue) {
        String value = scalarOrReport(what);
        if (value != null && value.isEmpty()) {
            expected(what);
            return defaultValue;
        }
        return value == null ? defaultValue : value;
    }

    /** A credential: absent = "", and no message ever contains the value. */
    String asSecret() {
        if (isAbsent()) {
            return "";
        }
        if (!(node instanceof ScalarNode)) {
            problem("expected a string, got " + ConfigText.kind(node));
            return "";
        }
        String value = text();
        if (value == null) {
            return "";
        }
        // It becomes an HTTP header value: whitespace or control characters would break the request.
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                problem("must not contain spaces or control characters (value not shown)");
                return "";
            }
        }
        return value;
    }

    /** A secret text that may hold spaces (a header value like {@code Bearer ...}): absent = null, never shown. */
    String asSecretText() {
        if (isAbsent()) {
            return null;
        }
        if (!(node instanceof ScalarNode)) {
            problem("expected a string, got " + ConfigText.kind(node));
            return null;
        }
        return text();
    }

    int asInt(int min, int max, String what, int defaultValue) {
        long value = asLong(min, max, what, defaultValue);
        return (int) value;
    }

    long asPositiveLong(long defaultValue) {
        return asLong(1, Long.MAX_VALUE, "a positive integer", defaultValue);
    }

    private long asLong(long min, long max, String what, long defaultValue) {
        return parsed(what, defaultValue, value -> ConfigValues.integer(value, min, max));
    }

    boolean asBoolean(boolean defaultValue) {
        return lookUp(ConfigValues.BOOLEANS, "true or false", defaultValue);
    }

    /** A boolean, or null (reported as not {@code what}) when the value is none. */
    Boolean asBoolean(String what) {
        return lookUp(ConfigValues.BOOLEANS, what, null);
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or a bare integer meaning seconds; must be > 0. */
    Duration asDuration(Duration defaultValue) {
        Duration parsed = parsed("a duration like 500ms, 30s, 5m", null, ConfigValues::duration);
        if (parsed == null) {
            return defaultValue;
        }
        if (parsed.isZero()) {
            expected("a positive duration");
            return defaultValue;
        }
        return parsed;
    }

    /** Bytes: an integer, or a number with B, KiB, MiB, GiB (k, m, g: the same binary units); 1 .. 2^31-1. */
    int asSize(int defaultValue) {
        Long bytes = parsed("a size like 32MiB, 512KiB or 1048576 (bytes)", null, ConfigValues::bytes);
        if (bytes == null) {
            return defaultValue;
        }
        if (bytes < 1 || bytes > Integer.MAX_VALUE) {
            expected("a size from 1 byte to 2047MiB");
            return defaultValue;
        }
        return bytes.intValue();
    }

    /** One of {@code choices}' keys (their config spellings, matched ignoring case). */
    <T> T asChoice(Map<String, T> choices, T defaultValue) {
        return lookUp(choices, "one of " + String.join(", ", choices.keySet()), defaultValue);
    }

    /** The value of the scalar's lower-case spelling in {@code values}; {@code what} names them in a problem. */
    private <T> T lookUp(Map<String, T> values, String what, T defaultValue) {
        return parsed(what, defaultValue, value -> values.get(value.toLowerCase(Locale.ROOT)));
    }

    ZoneId asZone(ZoneId defaultValue) {
        return parsed("a time zone like Europe/Berlin or UTC", defaultValue, ConfigValues::zone);
    }

    // ---- helpers

    /**
     * The scalar as {@code parse} reads it; {@code defaultValue} when absent, or when {@code parse} answers
     * null (reported as not {@code what}) or the scalar is not one (reported).
     */
    private <T> T parsed(String what, T defaultValue, Function<String, T> parse) {
        String value = scalarOrReport(what);
        if (value == null) {
            return defaultValue;
        }
        T parsed = parse.apply(value);
        if (parsed == null) {
            expected(what);
            return defaultValue;
        }
        return parsed;
    }

    /** The scalar's expanded text; null when absent, not a scalar (reported), or expansion failed (reported). */
    private String scalarOrReport(String what) {
        if (isAbsent()) {
            return null;
        }
        if (!(node instanceof ScalarNode)) {
            expected(what);
            return null;
        }
        return text();
    }

    /** Expands ${VAR} references once; a failure is reported once and yields null. */
    private String text() {
        if (!expanded) {
            expanded = true;
            if (node instanceof ScalarNode scalar) {
                text = scalar.getValue();
                if (ConfigText.isString(scalar) && EnvSubstitution.hasReference(text)) {
                    try {
                        text = EnvSubstitution.expand(text, env);
                    } catch (EnvSubstitution.Failure e) {
                        text = null;
                        problem(e.getMessage());
                    }
                }
            }
        }
        return text;
    }

    /**
     * The value as written, for messages: strings quoted, numbers and booleans bare, collections by kind;
     * a {@code ${VAR}} reference as the reference, never its value.
     */
    String written() {
        return ConfigText.written(node);
    }
}
