package io.llmgateway.bench.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Figures of the runs in a results file: rates, CPU per request, medians and ratios within rounds. */
final class RunStats {
    private RunStats() {}

    static double busyPerRequest(Map<String, String> r, double microsPerTick) {
        long n = num(r, "requests");
        return n == 0 ? 0 : (num(r, "machine_ticks") - num(r, "idle_ticks")) * microsPerTick / n;
    }

    static double perRequest(Map<String, String> r, String ticksKey, double microsPerTick) {
        long n = num(r, "requests");
        return n == 0 ? 0 : num(r, ticksKey) * microsPerTick / n;
    }

    interface Metric {
        double of(Map<String, String> run);
    }

    static double spread(List<Map<String, String>> runs) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Map<String, String> r : runs) {
            min = Math.min(min, rps(r));
            max = Math.max(max, rps(r));
        }
        double med = median(runs, r -> rps(r));
        return med <= 0 ? 0 : (max - min) * 100 / med;
    }

    static double rps(Map<String, String> r) {
        double us = num(r, "duration_us");
        return us <= 0 ? 0 : num(r, "requests") * 1e6 / us;
    }

    static double cpuPerRequest(Map<String, String> r, double microsPerTick) {
        return perRequest(r, "cpu_ticks", microsPerTick);
    }

    static String ratio(Map<String, Map<String, String>> a, Map<String, Map<String, String>> b, Metric m, String fmt) {
        List<Double> rs = new ArrayList<>();
        if (b != null) {
            for (var e : a.entrySet()) {
                Map<String, String> other = b.get(e.getKey());
                if (other != null && m.of(other) > 0) {
                    rs.add(m.of(e.getValue()) / m.of(other));
                }
            }
        }
        return rs.isEmpty() ? "-" : String.format(Locale.ROOT, fmt, median(rs));
    }

    static String diff(Map<String, Map<String, String>> a, Map<String, Map<String, String>> b, Metric m) {
        List<Double> ds = new ArrayList<>();
        if (b != null) {
            for (var e : a.entrySet()) {
                Map<String, String> other = b.get(e.getKey());
                if (other != null) {
                    ds.add(m.of(e.getValue()) - m.of(other));
                }
            }
        }
        return ds.isEmpty() ? "-" : String.format(Locale.ROOT, "%+.0f", median(ds));
    }

    static double median(List<Map<String, String>> runs, Metric m) {
        List<Double> v = new ArrayList<>();
        for (Map<String, String> r : runs) {
            v.add(m.of(r));
        }
        return median(v);
    }

    static double median(List<Double> v) {
        if (v.isEmpty()) {
            return 0;
        }
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }

    static long num(Map<String, String> r, String key) {
        String v = r.get(key);
        if (v == null) {
            return 0;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
