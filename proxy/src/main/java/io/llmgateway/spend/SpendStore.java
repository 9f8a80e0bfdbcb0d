package io.llmgateway.spend;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/*
 * Design notes
 * - Callers (event loops among them) only add to SpendCells: no I/O, no wait, no lock but a cell's own for a
 *   few additions. One writer thread owns the SQLite connection: every FLUSH interval it takes what the cells
 *   summed and writes it in one transaction (an upsert per cell, adding to the stored sums). A process killed
 *   with SIGKILL loses what was added since the last commit: at most one interval plus the time of a write.
 * - SQLite in WAL mode with synchronous=FULL: a commit is on disk when it returns, so an OS crash or power loss
 *   loses no more than a kill does. A commit every half second costs one fsync, off every event loop.
 * - A write that fails (disk full, file locked by another process for longer than the busy timeout) puts the
 *   sums back into the cells, to be written with the next batch; the failure goes to app.log at most once a
 *   minute. Nothing is dropped, and memory stays bounded by the number of cells.
 * - Rows are sums per (day, key, provider, model), the day being the epoch day of the request in
 *   routing.time_zone: a day, week, month or total is a range of days, so one table answers the budgets'
 *   periods and the admin page's "today / this period / total", and the file grows by the number of cells
 *   a day, not by requests.
 * - Queries run on the writer thread after writing what is pending, so they see every request added before
 *   them; their futures complete there, and callers on an event loop must not wait on them.
 * - Several gateway processes may share one file (SQLite locks it); each adds its own sums.
 */
/**
 * The durable record of spend: an SQLite file ({@code gateway.spend_file}), written in batches by a thread of
 * its own, read back at start so that budgets and totals survive a restart or a kill.
 */
public final class SpendStore implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(SpendStore.class);

    /** How often spend is written: what a killed process loses at most, besides the write under way. */
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(500);

    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long CLOSE_WAIT_SECONDS = 10;

    /** A dimension of the sums: the column a query groups by. */
    public enum By {
        KEY("client_key"),
        PROVIDER("provider"),
        MODEL("model");

        final String column;

        By(String column) {
            this.column = column;
        }
    }

    private final Path file;
    private final SpendCells cells = new SpendCells();
    private final ScheduledExecutorService writer;
    private final SpendTable table; // writer thread only
    private long lastWarning = System.nanoTime() - WARN_EVERY_NANOS; // writer thread only
    private volatile boolean closed;

    private SpendStore(Path file, ScheduledExecutorService writer, SpendTable table) {
        this.file = file;
        this.writer = writer;
        this.table = table;
    }

    /**
     * Opens (creating when missing) the spend file and starts writing to it every {@code flushInterval}.
     *
     * @throws IOException when the file cannot be created, opened or read as a spend file
     */
    public static SpendStore open(Path file, Duration flushInterval) throws IOException {
        requireNonNull(file, "file");
        requireNonNull(flushInterval, "flushInterval");
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("flushInterval: " + flushInterval + " (expected: > 0)");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ScheduledExecutorService writer =
                Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("spend-writer", true));
        SpendStore store;
        try {
            store = new SpendStore(
                    file, writer, on(writer, () -> SpendTable.open(file)).get());
        } catch (ExecutionException e) {
            writer.shutdownNow();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("cannot open the spend file " + file + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            writer.shutdownNow();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening the spend file " + file, e);
        }
        long millis = flushInterval.toMillis();
        store.writer.scheduleWithFixedDelay(store::writePending, millis, millis, TimeUnit.MILLISECONDS);
        return store;
    }

    /**
     * Records one answered request. Never blocks and never touches the file: it is written with the next batch.
     *
     * @param day the epoch day of the request in {@code routing.time_zone} ({@code CalendarSpan.day(...).number()})
     * @param key the client key's name ({@code ""} when the gateway has no keys)
     * @param provider the provider that answered
     * @param model the model name the client asked for
     * @param costNanos what it cost ({@link Cost#of}); 0 when unpriced
     * @param unpriced whether its model had no known price
     */
    public void add(
            long day,
            String key,
            String provider,
            String model,
            BilledTokens tokens,
            long costNanos,
            boolean unpriced) {
        requireNonNull(tokens, "tokens");
        if (costNanos < 0) {
            throw new IllegalArgumentException("costNanos: " + costNanos + " (expected: >= 0)");
        }
        cells.add(new SpendCells.Cell(day, key, provider, model), tokens, costNanos, unpriced);
    }

    /**
     * Sums of the days {@code [fromDay, toDay)} by {@code by}: what each key, provider or model spent. Every
     * request added before the call is counted. Completes on the writer thread.
     */
    public CompletableFuture<Map<String, SpendTotals>> totals(By by, long fromDay, long toDay) {
        requireNonNull(by, "by");
        return onWriter(() -> {
            writeOrThrow();
            return table.totals(by, fromDay, toDay);
        });
    }

    /**
     * What each key or provider ({@code by}) spent in the days {@code [fromDay, toDay)} of a budget period,
     * less what the latest reset of that period ({@link #recordReset}) forgot: what its budget counter starts
     * from. Completes on the writer thread.
     *
     * @param period the budget's period ({@code BudgetPeriod.configName()}); a reset of another period does not count
     * @param number the period's {@code CalendarSpan.number()}
     */
    public CompletableFuture<Map<String, Long>> budgetSpend(
            By by, String period, long number, long fromDay, long toDay) {
        requireNonNull(by, "by");
        requireNonNull(period, "period");
        return onWriter(() -> {
            writeOrThrow();
            Map<String, Long> forgotten = table.forgotten(by, period, number);
            Map<String, Long> out = new HashMap<>();
            for (Map.Entry<String, SpendTotals> e :
                    table.totals(by, fromDay, toDay).entrySet()) {
                long left = e.getValue().costNanos() - forgotten.getOrDefault(e.getKey(), 0L);
                out.put(e.getKey(), Math.max(0, left));
            }
            return out;
        });
    }

    /**
     * Stores that the budget of {@code name} forgot its spend of a period now (an admin reset): what the store
     * holds for it in the days {@code [fromDay, toDay)}, counting every request added before the call. The
     * per-day rows stay as they are. Completes on the writer thread, once on disk.
     */
    public CompletableFuture<Void> recordReset(
            By by, String name, String period, long number, long fromDay, long toDay, long atMillis) {
        requireNonNull(by, "by");
        requireNonNull(name, "name");
        requireNonNull(period, "period");
        return onWriter(() -> {
            writeOrThrow();
            table.reset(by, name, period, number, fromDay, toDay, atMillis);
            return null;
        });
    }

    /** Writes what is pending now; completes when it is on disk. */
    public CompletableFuture<Void> flush() {
        return onWriter(() -> {
            writeOrThrow();
            return null;
        });
    }

    /** Writes what is pending and closes the file; waits for it (a graceful stop). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            onWriter(() -> {
                        try {
                            writeOrThrow();
                        } finally {
                            table.close();
                        }
                        return null;
                    })
                    .get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("spend not written at stop to {}: {}", file, e.toString());
        } finally {
            writer.shutdownNow();
        }
    }

    public Path file() {
        return file;
    }

    private <T> CompletableFuture<T> onWriter(Callable<T> task) {
        return on(writer, task);
    }

    private static <T> CompletableFuture<T> on(ScheduledExecutorService writer, Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            writer.execute(() -> {
                try {
                    result.complete(task.call());
                } catch (Exception | Error e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RuntimeException rejected) { // closed
            result.completeExceptionally(new IOException("the spend store is closed", rejected));
        }
        return result;
    }

    /** The periodic batch: a failure is logged (rarely) and the sums wait for the next one. */
    private void writePending() {
        try {
            writeOrThrow();
        } catch (SQLException e) {
            long now = System.nanoTime();
            if (now - lastWarning >= WARN_EVERY_NANOS) {
                lastWarning = now;
                LOG.warn("cannot write spend to {} (kept in memory, retried): {}", file, e.getMessage());
            }
        }
    }

    private void writeOrThrow() throws SQLException {
        List<SpendCells.Drained> batch = cells.drain();
        if (batch.isEmpty()) {
            return;
        }
        try {
            table.add(batch);
        } catch (SQLException | RuntimeException e) {
            cells.restore(batch);
            throw e;
        }
    }
}
