package io.llmgateway.spend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/*
 * Design notes
 * - Spend not yet written is summed in memory per cell (day, key, provider, model), so memory stays bounded by
 *   the number of cells however long the disk is slow, and nothing is ever dropped: money is not a log line.
 * - A cell's sums are guarded by the cell's own monitor, held for a few additions (an event loop) or for
 *   reading and zeroing them (the writer); never across I/O. Cells of different keys or models never contend.
 * - The writer drains every cell and retires the ones that had nothing to drain: a retired cell is removed,
 *   and a caller that still holds it finds it retired under the monitor and adds to a fresh one instead. So
 *   idle cells (yesterday's, a key no longer used) do not accumulate, and no addition is lost to a removal.
 */
/** The spend recorded since the last write to the store, summed per cell. */
final class SpendCells {
    private final ConcurrentHashMap<Cell, Sums> cells = new ConcurrentHashMap<>();

    void add(Cell cell, BilledTokens tokens, long costNanos, boolean unpriced) {
        for (; ; ) {
            Sums sums = cells.get(cell);
            if (sums == null) {
                Sums fresh = new Sums();
                Sums raced = cells.putIfAbsent(cell, fresh);
                sums = raced == null ? fresh : raced;
            }
            synchronized (sums) {
                if (!sums.retired) {
                    sums.add(
                            1,
                            unpriced ? 1 : 0,
                            tokens.input(),
                            tokens.cachedInput(),
                            tokens.cacheRead(),
                            tokens.cacheWrite(),
                            tokens.output(),
                            costNanos);
                    return;
                }
            }
        }
    }

    /** Takes every cell's sums (zeroing them), and retires the cells that had none. */
    List<Drained> drain() {
        List<Drained> out = new ArrayList<>();
        for (Map.Entry<Cell, Sums> e : cells.entrySet()) {
            Sums sums = e.getValue();
            SpendTotals totals;
            synchronized (sums) {
                if (sums.requests == 0) {
                    sums.retired = true;
                    cells.remove(e.getKey(), sums);
                    continue;
                }
                totals = sums.take();
            }
            out.add(new Drained(e.getKey(), totals));
        }
        return out;
    }

    /** Puts back sums a failed write could not store, to be written with the next batch. */
    void restore(List<Drained> drained) {
        for (Drained d : drained) {
            for (; ; ) {
                Sums sums = cells.computeIfAbsent(d.cell, c -> new Sums());
                synchronized (sums) {
                    if (!sums.retired) {
                        SpendTotals t = d.totals;
                        sums.add(
                                t.requests(),
                                t.unpriced(),
                                t.input(),
                                t.cachedInput(),
                                t.cacheRead(),
                                t.cacheWrite(),
                                t.output(),
                                t.costNanos());
                        break;
                    }
                }
            }
        }
    }

    /** Where spend is summed: a day (epoch day in {@code routing.time_zone}), a client key, a provider, a model. */
    record Cell(long day, String key, String provider, String model) {}

    /** A cell's sums taken by {@link #drain}. */
    record Drained(Cell cell, SpendTotals totals) {}

    /** A cell's running sums; guarded by its own monitor. */
    private static final class Sums {
        long requests;
        long unpriced;
        long input;
        long cachedInput;
        long cacheRead;
        long cacheWrite;
        long output;
        long costNanos;
        boolean retired;

        void add(long n, long unpricedN, long in, long cachedIn, long read, long write, long out, long cost) {
            requests = Cost.add(requests, n);
            unpriced = Cost.add(unpriced, unpricedN);
            input = Cost.add(input, in);
            cachedInput = Cost.add(cachedInput, cachedIn);
            cacheRead = Cost.add(cacheRead, read);
            cacheWrite = Cost.add(cacheWrite, write);
            output = Cost.add(output, out);
            costNanos = Cost.add(costNanos, cost);
        }

        SpendTotals take() {
            SpendTotals t =
                    new SpendTotals(requests, unpriced, input, cachedInput, cacheRead, cacheWrite, output, costNanos);
            requests = 0;
            unpriced = 0;
            input = 0;
            cachedInput = 0;
            cacheRead = 0;
            cacheWrite = 0;
            output = 0;
            costNanos = 0;
            return t;
        }
    }
}
