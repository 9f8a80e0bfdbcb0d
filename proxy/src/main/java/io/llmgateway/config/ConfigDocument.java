package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Present;
import org.snakeyaml.engine.v2.api.lowlevel.Serialize;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/*
 * Design notes
 * - The admin page edits the file the user wrote, not the resolved records: the YAML node tree keeps
 *   ${VAR} references as text, every section and option the page knows nothing about, key order,
 *   quoting and flow/block style, and (parsed with comments) the comments attached to nodes.
 * - Values are read and written as raw text ("500", "${RPM:-}"); deciding what they mean stays with
 *   ConfigLoader, which validates the emitted text before anything is applied or saved.
 * - A replaced value keeps the comments of the value it replaces, so "rpm: 60  # per key" survives an
 *   edit of the number. Emitting puts one space before an end-of-line comment (alignment is lost).
 * - Not thread-safe: one owner edits a copy, validates it, and only then swaps it in.
 */
/**
 * A config file as an editable YAML node tree. Paths are mapping keys from the root, e.g.
 * {@code ("api_provider", "acme", "limits", "rpm")}; in a list, a path element of digits is the index of an item
 * that is a mapping, e.g. {@code ("gateway", "api_keys", "0", "budget")}.
 */
public final class ConfigDocument {
    /** Keys that sit beside the provider names under {@code model_config.MODEL} (not providers). */
    public static final List<String> MODEL_OPTIONS = ConfigKeys.MODEL_OPTIONS;

    private static final CoreSchema SCHEMA = new CoreSchema();
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?}");
    private static final Pattern INDEX = Pattern.compile("[0-9]{1,9}");

    private final MappingNode root;
    private final boolean comments;

    private ConfigDocument(MappingNode root, boolean comments) {
        this.root = root;
        this.comments = comments;
    }

    /**
     * Parses YAML text, keeping its comments when the parser can place them (else without them).
     *
     * @throws ConfigException on a syntax error, or when the document is not a mapping of sections
     */
    public static ConfigDocument parse(String yaml) throws ConfigException {
        requireNonNull(yaml, "yaml");
        String text = yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml;
        Node node;
        boolean comments = true;
        try {
            node = ConfigLoader.compose(text, true);
        } catch (ConfigException | YamlEngineException e) {
            // Comment placement is the newest part of the parser; the file must never be refused for it.
            node = ConfigLoader.compose(text, false);
            comments = false;
        }
        if (node == null) {
            return empty();
        }
        if (!(node instanceof MappingNode mapping)) {
            throw new ConfigException(
                    "the configuration must be a mapping of sections (" + String.join(", ", ConfigKeys.SECTIONS) + ")");
        }
        return new ConfigDocument(mapping, comments);
    }

    /** A document without any section. */
    public static ConfigDocument empty() {
        return new ConfigDocument(new MappingNode(Tag.MAP, new ArrayList<>(), FlowStyle.BLOCK), true);
    }

    /** Whether the comments of the parsed text are kept (false only when the parser could not place them). */
    public boolean keepsComments() {
        return comments;
    }

    /** An independent copy to edit. */
    public ConfigDocument copy() {
        try {
            ConfigDocument copy = parse(toYaml());
            return comments ? copy : new ConfigDocument(copy.root, false);
        } catch (ConfigException e) {
            throw new IllegalStateException("the emitted document does not parse: " + e.getMessage(), e);
        }
    }

    /** The document as YAML text. */
    public String toYaml() {
        DumpSettings settings = DumpSettings.builder()
                .setSchema(new CoreSchema())
                .setDumpComments(true)
                .setDefaultFlowStyle(FlowStyle.BLOCK)
                .setIndent(2)
                .setIndicatorIndent(2)
                .setIndentWithIndicator(true)
                .setWidth(4096)
                .setSplitLines(false)
                .build();
        if (root.getValue().isEmpty()) {
            return "{}\n";
        }
        return new Present(settings)
                .emitToString(new Serialize(settings).serializeOne(root).iterator());
    }

    // ---- reading

    /** Whether something (even an empty value) is written at {@code path}. */
    public boolean has(String... path) {
        return node(path) != null;
    }

    public boolean isMapping(String... path) {
        return node(path) instanceof MappingNode;
    }

    /** The keys of the mapping at {@code path} in file order; empty when absent or not a mapping. */
    public List<String> keys(String... path) {
        List<String> keys = new ArrayList<>();
        if (node(path) instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                keys.add(keyOf(t));
            }
        }
        return keys;
    }

    /** The scalar at {@code path} as written (a {@code ${VAR}} stays a reference); null when absent, empty or not a scalar. */
    public String scalar(String... path) {
        Node n = node(path);
        if (n instanceof ScalarNode s && !Tag.NULL.equals(s.getTag())) {
            return s.getValue();
        }
        return null;
    }

    /** The scalars of the list at {@code path} as written, or null when there is no list there. */
    public List<String> sequence(String... path) {
        if (node(path) instanceof SequenceNode seq) {
            List<String> items = new ArrayList<>();
            for (Node item : seq.getValue()) {
                items.add(item instanceof ScalarNode s ? s.getValue() : null);
            }
            return items;
        }
        return null;
    }

    // ---- writing

    /** Writes a string; one that YAML would read as something else (true, 12, ~) is quoted. */
    public void putString(String value, String... path) {
        requireNonNull(value, "value");
        // A plain ${VAR} resolves to the ENV tag (the loader reads it as a string); giving it that tag lets
        // the emitter write it unquoted, as users write references.
        Tag tag = REFERENCE.matcher(value).matches()
                        && Tag.ENV_TAG.equals(SCHEMA.getScalarResolver().resolve(value, true))
                ? Tag.ENV_TAG
                : Tag.STR;
        put(new ScalarNode(tag, value, ScalarStyle.PLAIN), path);
    }

    public void putNumber(long value, String... path) {
        put(new ScalarNode(Tag.INT, Long.toString(value), ScalarStyle.PLAIN), path);
    }

    /** Writes a decimal number as a plain YAML number ({@code 12.5}). */
    public void putDecimal(BigDecimal value, String... path) {
        put(new ScalarNode(Tag.FLOAT, value.toPlainString(), ScalarStyle.PLAIN), path);
    }

    public void putBoolean(boolean value, String... path) {
        put(new ScalarNode(Tag.BOOL, Boolean.toString(value), ScalarStyle.PLAIN), path);
    }

    /** Makes {@code path} a mapping (an empty one unless it already is one), creating parents as needed. */
    public void putMapping(String... path) {
        if (!(node(path) instanceof MappingNode)) {
            put(new MappingNode(Tag.MAP, new ArrayList<>(), FlowStyle.BLOCK), path);
        }
    }

    /** Replaces the list at {@code path} with these strings, keeping its style (flow or block) and comments. */
    public void putSequence(List<String> items, String... path) {
        List<Node> nodes = new ArrayList<>();
        for (String item : items) {
            nodes.add(new ScalarNode(Tag.STR, item, ScalarStyle.PLAIN));
        }
        FlowStyle style = node(path) instanceof SequenceNode old ? old.getFlowStyle() : FlowStyle.FLOW;
        put(new SequenceNode(Tag.SEQ, nodes, style), path);
    }

    /** Removes the entry at {@code path}; false when there was none. */
    public boolean remove(String... path) {
        checkPath(path);
        checkNotShared(false, path);
        MappingNode parent = mappingAt(Arrays.copyOf(path, path.length - 1));
        if (parent == null) {
            return false;
        }
        List<NodeTuple> tuples = new ArrayList<>(parent.getValue());
        boolean removed = tuples.removeIf(t -> keyOf(t).equals(path[path.length - 1]));
        parent.setValue(tuples);
        return removed;
    }

    /**
     * Puts the entries named in {@code order} into that order, in the places those entries occupy
     * now; other entries of the mapping stay where they are.
     *
     * @throws IllegalArgumentException when {@code order} names a key twice or one the mapping lacks
     */
    public void reorder(List<String> order, String... path) {
        checkNotShared(true, path);
        MappingNode m = mappingAt(path);
        if (m == null) {
            throw new IllegalArgumentException(String.join(".", path) + ": not a mapping");
        }
        Set<String> wanted = new HashSet<>(order);
        if (wanted.size() != order.size()) {
            throw new IllegalArgumentException("order: a key is named twice");
        }
        List<NodeTuple> tuples = new ArrayList<>(m.getValue());
        List<NodeTuple> moved = new ArrayList<>();
        for (String key : order) {
            NodeTuple t = tuples.stream()
                    .filter(x -> keyOf(x).equals(key))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("order: no key " + key));
            moved.add(t);
        }
        int next = 0;
        for (int i = 0; i < tuples.size(); i++) {
            if (wanted.contains(keyOf(tuples.get(i)))) {
                tuples.set(i, moved.get(next++));
            }
        }
        m.setValue(tuples);
    }

    // ---- tree access

    private void put(Node value, String... path) {
        checkPath(path);
        checkNotShared(false, path);
        Node parent = root;
        for (int i = 0; i < path.length - 1; i++) {
            Node next = child(parent, path[i]);
            boolean intoList = next instanceof SequenceNode
                    && i + 2 < path.length
                    && INDEX.matcher(path[i + 1]).matches();
            if (intoList && !(child(next, path[i + 1]) instanceof MappingNode)) {
                throw new IllegalArgumentException(
                        String.join(".", Arrays.copyOf(path, i + 2)) + ": no such list item");
            }
            if (!intoList && !(next instanceof MappingNode) && parent instanceof MappingNode m) {
                next = new MappingNode(Tag.MAP, new ArrayList<>(), FlowStyle.BLOCK);
                replaceOrAdd(m, path[i], find(m, path[i]), next);
            }
            parent = next;
        }
        String key = path[path.length - 1];
        if (!(parent instanceof MappingNode m)) {
            throw new IllegalArgumentException(String.join(".", path) + ": not inside a mapping");
        }
        replaceOrAdd(m, key, find(m, key), value);
    }

    /** Swaps a value in place (keeping the old value's comments) or appends a new entry. */
    private static void replaceOrAdd(MappingNode parent, String key, NodeTuple existing, Node value) {
        List<NodeTuple> tuples = new ArrayList<>(parent.getValue());
        if (existing == null) {
            tuples.add(new NodeTuple(new ScalarNode(Tag.STR, key, ScalarStyle.PLAIN), value));
        } else {
            Node old = existing.getValueNode();
            value.setBlockComments(old.getBlockComments());
            value.setInLineComments(old.getInLineComments());
            value.setEndComments(old.getEndComments());
            tuples.set(tuples.indexOf(existing), new NodeTuple(existing.getKeyNode(), value));
        }
        parent.setValue(tuples);
    }

    private Node node(String... path) {
        Node n = root;
        for (int i = 0; i < path.length && n != null; i++) {
            n = child(n, path[i]);
        }
        return n;
    }

    private MappingNode mappingAt(String... path) {
        return node(path) instanceof MappingNode m ? m : null;
    }

    /** The value of {@code key} in a mapping, or the item at index {@code key} of a list; null when none. */
    private static Node child(Node n, String key) {
        if (n instanceof MappingNode m) {
            NodeTuple t = find(m, key);
            return t == null ? null : t.getValueNode();
        }
        if (n instanceof SequenceNode s && INDEX.matcher(key).matches()) {
            int i = Integer.parseInt(key);
            return i < s.getValue().size() ? s.getValue().get(i) : null;
        }
        return null;
    }

    private static NodeTuple find(MappingNode m, String key) {
        for (NodeTuple t : m.getValue()) {
            if (keyOf(t).equals(key)) {
                return t;
            }
        }
        return null;
    }

    private static String keyOf(NodeTuple t) {
        return t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
    }

    /**
     * Refuses to change the inside of a node with a YAML anchor ({@code &name}): it may be used elsewhere
     * through an alias ({@code *name}), and changing it here would silently change those places too.
     * Replacing or removing such a node as a whole is fine: that changes only its parent.
     *
     * @param includeTarget whether the node at {@code path} itself is changed inside (reorder), not replaced
     * @throws IllegalArgumentException naming the anchor
     */
    private void checkNotShared(boolean includeTarget, String... path) {
        Node n = root;
        int inside = includeTarget ? path.length + 1 : path.length;
        for (int depth = 0; depth < inside && n != null; depth++) {
            if (n.getAnchor().isPresent()) {
                throw new IllegalArgumentException(String.join(".", path) + " is shared through the YAML anchor &"
                        + n.getAnchor().get().getValue() + "; edit it in the file");
            }
            if (depth == path.length) {
                return;
            }
            n = child(n, path[depth]);
        }
    }

    private static void checkPath(String... path) {
        if (path.length == 0) {
            throw new IllegalArgumentException("path: empty (expected: at least one key)");
        }
        for (String key : path) {
            requireNonNull(key, "path element");
        }
    }
}
