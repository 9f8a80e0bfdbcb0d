package io.llmgateway.bench.load;

import java.util.Arrays;

/** A growable list of nanosecond samples and their percentiles in microseconds (the probes of bench/load.sh). */
final class NanoSamples {
    private long[] a = new long[1024];
    private int n;

    void add(long v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, n * 2);
        }
        a[n++] = v;
    }

    int size() {
        return n;
    }

    void addAll(NanoSamples o) {
        for (int i = 0; i < o.n; i++) {
            add(o.a[i]);
        }
    }

    long percentileMicros(double p) {
        if (n == 0) {
            return -1;
        }
        long[] s = Arrays.copyOf(a, n);
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * n) - 1;
        return s[Math.max(0, Math.min(n - 1, i))] / 1000;
    }

    long meanMicros() {
        if (n == 0) {
            return -1;
        }
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += a[i];
        }
        return sum / n / 1000;
    }
}
