package io.llmgateway.observe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus' text exposition format (version 0.0.4), for tests: every line must be a
 * well-formed HELP, TYPE or sample line; every sample must belong to a family declared by a TYPE line
 * before it, with the suffixes its type allows; no series may appear twice; histogram buckets must be
 * cumulative and end with {@code +Inf} equal to {@code _count}. Any violation throws.
 *
 * <p>Series are keyed as {@code name{a="1",b="2"}} with labels sorted by name ({@code name} alone without
 * labels), so tests can look values up without caring about the writer's label order.
 */
final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE =
            Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");

    final Map<String, Double> series = new TreeMap<>();
    final Map<String, String> types = new HashMap<>();
    final Map<String, String> help = new HashMap<>();

    private PrometheusText() {}

    static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a newline");
        }
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            try {
                p.line(line);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + lineNo + ": " + e.getMessage() + ": " + line, e);
            }
        }
        p.checkHistograms();
        return p;
    }

    /** The value of a series; fails when it is absent. {@code labels} as name, value pairs. */
    double value(String name, String... labels) {
        String key = key(name, labels);
        Double v = series.get(key);
        if (v == null) {
            throw new AssertionError("no series " + key + " in " + series.keySet());
        }
        return v;
    }

    /** The value of a series, or null when absent. */
    Double valueOrNull(String name, String... labels) {
        return series.get(key(name, labels));
    }

    /** Every series key of a metric name (the exact name, e.g. with its _bucket suffix). */
    List<String> keysOf(String name) {
        List<String> out = new ArrayList<>();
        for (String k : series.keySet()) {
            if (k.equals(name) || k.startsWith(name + "{")) {
                out.add(k);
            }
        }
        return out;
    }

    static String key(String name, String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name, value pairs");
        }
        Map<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            sorted.put(labels[i], labels[i + 1]);
        }
        return key(name, sorted);
    }

    private static String key(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder b = new StringBuilder(name).append('{');
        labels.forEach((k, v) -> b.append(k).append("=\"").append(v).append("\","));
        b.setLength(b.length() - 1);
        return b.append('}').toString();
    }

    private void line(String line) {
        if (line.startsWith("#")) {
            Matcher h = HELP.matcher(line);
            if (h.matches()) {
                if (help.put(h.group(1), h.group(2)) != null) {
                    throw new IllegalArgumentException("second HELP for " + h.group(1));
                }
                return;
            }
            Matcher t = TYPE.matcher(line);
            if (t.matches()) {
                if (types.put(t.group(1), t.group(2)) != null) {
                    throw new IllegalArgumentException("second TYPE for " + t.group(1));
                }
                return;
            }
            throw new IllegalArgumentException("a comment that is neither HELP nor TYPE");
        }
        int i = 0;
        Matcher n = NAME.matcher(line);
        if (!n.lookingAt()) {
            throw new IllegalArgumentException("no metric name");
        }
        String name = n.group();
        i = n.end();
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = labels(line, i + 1, labels);
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new IllegalArgumentException("expected a space before the value");
        }
        String[] rest = line.substring(i + 1).split(" ", -1);
        if (rest.length > 2) {
            throw new IllegalArgumentException("too many fields after the labels");
        }
        double value = number(rest[0]);
        if (rest.length == 2) {
            Long.parseLong(rest[1]); // a timestamp
        }
        checkFamily(name, labels);
        if (series.put(key(name, labels), value) != null) {
            throw new IllegalArgumentException("duplicate series " + key(name, labels));
        }
    }

    private static int labels(String line, int i, Map<String, String> labels) {
        while (true) {
            if (line.charAt(i) == '}') {
                return i + 1;
            }
            Matcher ln = LABEL_NAME.matcher(line).region(i, line.length());
            if (!ln.lookingAt()) {
                throw new IllegalArgumentException("bad label name at " + i);
            }
            String label = ln.group();
            i = ln.end();
            if (!line.startsWith("=\"", i)) {
                throw new IllegalArgumentException("expected =\" after label " + label);
            }
            i += 2;
            StringBuilder v = new StringBuilder();
            while (line.charAt(i) != '"') {
                char c = line.charAt(i++);
                if (c == '\\') {
                    char e = line.charAt(i++);
                    switch (e) {
                        case '\\' -> v.append('\\');
                        case '"' -> v.append('"');
                        case 'n' -> v.append('\n');
                        default -> throw new IllegalArgumentException("bad escape \\" + e);
                    }
                } else {
                    v.append(c);
                }
            }
            i++;
            if (labels.put(label, v.toString()) != null) {
                throw new IllegalArgumentException("label " + label + " twice");
            }
            if (line.charAt(i) == ',') {
                i++;
            } else if (line.charAt(i) != '}') {
                throw new IllegalArgumentException("expected , or } after a label value");
            }
        }
    }

    private static double number(String s) {
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }

    private void checkFamily(String name, Map<String, String> labels) {
        String type = types.get(name);
        if (type != null) {
            if (type.equals("histogram") || type.equals("summary")) {
                throw new IllegalArgumentException("a bare sample of " + type + " " + name);
            }
            return;
        }
        for (String suffix : List.of("_bucket", "_sum", "_count", "_created")) {
            if (name.endsWith(suffix)) {
                String family = name.substring(0, name.length() - suffix.length());
                String t = types.get(family);
                if ("histogram".equals(t)) {
                    if (suffix.equals("_bucket") && !labels.containsKey("le")) {
                        throw new IllegalArgumentException("a bucket without le");
                    }
                    return;
                }
            }
        }
        throw new IllegalArgumentException("sample of undeclared metric " + name);
    }

    private void checkHistograms() {
        for (Map.Entry<String, String> t : types.entrySet()) {
            if (!t.getValue().equals("histogram")) {
                continue;
            }
            String family = t.getKey();
            // Group buckets by their labels without le.
            Map<String, TreeMap<Double, Double>> bySeries = new TreeMap<>();
            for (String k : keysOf(family + "_bucket")) {
                Matcher le = Pattern.compile("le=\"([^\"]+)\"").matcher(k);
                if (!le.find()) {
                    throw new IllegalArgumentException("bucket without le: " + k);
                }
                String rest = k.replace("le=\"" + le.group(1) + "\"", "")
                        .replace("{,", "{")
                        .replace(",}", "}")
                        .replace(",,", ",")
                        .replace("{}", "")
                        .replace(family + "_bucket", family + "_count");
                bySeries.computeIfAbsent(rest, x -> new TreeMap<>()).put(number(le.group(1)), series.get(k));
            }
            for (Map.Entry<String, TreeMap<Double, Double>> s : bySeries.entrySet()) {
                double previous = 0;
                for (double count : s.getValue().values()) {
                    if (count < previous) {
                        throw new IllegalArgumentException("buckets not cumulative in " + s.getKey());
                    }
                    previous = count;
                }
                Double inf = s.getValue().get(Double.POSITIVE_INFINITY);
                Double count = series.get(s.getKey());
                if (inf == null || count == null || !inf.equals(count)) {
                    throw new IllegalArgumentException(
                            "+Inf bucket " + inf + " differs from " + s.getKey() + " " + count);
                }
            }
        }
    }
}
