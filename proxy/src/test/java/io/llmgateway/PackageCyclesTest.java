package io.llmgateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages under {@code io.llmgateway} depend on each other without cycles, so that each can be read,
 * tested and changed with only the packages below it in mind. The top-level package (Main, Features) wires
 * everything together and may use any of them; it is left out.
 */
class PackageCyclesTest {
    private static final Path SOURCES = Path.of("src/main/java/io/llmgateway");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.llmgateway\\.([a-z][a-z0-9_]*)\\.");
    /** Comments, string and char literals: a package named there is no dependency. */
    private static final Pattern NOT_CODE = Pattern.compile(
            "/\\*.*?\\*/|//[^\\n]*|\"\"\"(?s:.*?)\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*'",
            Pattern.DOTALL);

    @Test
    void packagesFormNoCycle() throws IOException {
        Map<String, Set<String>> graph = dependencies();
        assertTrue(graph.size() > 5, "packages found under " + SOURCES.toAbsolutePath() + ": " + graph.keySet());
        List<String> cycle = findCycle(graph);
        assertTrue(cycle.isEmpty(), "package cycle: " + String.join(" -> ", cycle) + "\nall dependencies: " + graph);
    }

    @Test
    void findCycle_namesTheCycle() {
        Map<String, Set<String>> graph = new TreeMap<>();
        graph.put("a", new TreeSet<>(List.of("b")));
        graph.put("b", new TreeSet<>(List.of("c")));
        graph.put("c", new TreeSet<>(List.of("a", "d")));
        graph.put("d", new TreeSet<>());
        assertEquals(List.of("a", "b", "c", "a"), findCycle(graph));
        graph.get("c").remove("a");
        assertEquals(List.of(), findCycle(graph));
    }

    @Test
    void references_ignoreCommentsAndStrings() {
        String source = "package io.llmgateway.a;\nimport io.llmgateway.b.B;\nimport static io.llmgateway.c.C.f;\n"
                + "/** {@link io.llmgateway.d.D} */\nclass A { String s = \"io.llmgateway.e.E\"; // io.llmgateway.f.F\n"
                + "  Object o = new io.llmgateway.g.G(); }";
        assertEquals(Set.of("b", "c", "g"), references(source));
    }

    /** Each package (dotted, relative to io.llmgateway) and the other packages its sources refer to. */
    private static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                Path dir = SOURCES.relativize(file.getParent());
                if (dir.toString().isEmpty()) {
                    continue; // the top-level package wires everything
                }
                String pkg = dir.toString().replace(file.getFileSystem().getSeparator(), ".");
                Set<String> uses = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
                for (String other : references(Files.readString(file, StandardCharsets.UTF_8))) {
                    if (!other.equals(pkg)) {
                        uses.add(other);
                    }
                }
            }
        }
        return graph;
    }

    private static Set<String> references(String source) {
        String code = NOT_CODE.matcher(source).replaceAll(" ");
        Set<String> packages = new TreeSet<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
            packages.add(m.group(1));
        }
        return packages;
    }

    /** A cycle as the packages along it, the first repeated at the end; empty when there is none. */
    private static List<String> findCycle(Map<String, Set<String>> graph) {
        Set<String> done = new HashSet<>();
        for (String start : graph.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            List<String> cycle = visit(start, graph, path, done);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> visit(
            String pkg, Map<String, Set<String>> graph, Deque<String> path, Set<String> done) {
        if (path.contains(pkg)) {
            List<String> cycle = new ArrayList<>();
            boolean in = false;
            for (String p : (Iterable<String>) path::descendingIterator) {
                in |= p.equals(pkg);
                if (in) {
                    cycle.add(p);
                }
            }
            cycle.add(pkg);
            return cycle;
        }
        if (!done.add(pkg)) {
            return List.of();
        }
        path.push(pkg);
        for (String next : graph.getOrDefault(pkg, Set.of())) {
            List<String> cycle = visit(next, graph, path, done);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.pop();
        return List.of();
    }
}
