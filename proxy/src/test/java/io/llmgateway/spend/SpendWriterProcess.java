package io.llmgateway.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A JVM that records spend steadily until it is killed with SIGKILL, and the check that the spend it had
 * recorded up to a second before the kill is in the file afterwards. {@link #main} is the child; {@link
 * #killAndCheck} the parent, given the child's class path (the test class path, or the shaded jar's).
 */
public final class SpendWriterProcess {
    static final long DAY = 19_853; // 2024-05-10
    static final BilledTokens TOKENS = BilledTokens.openAi(1_000, 200, 50);
    static final long COST = 123_457;

    /** The longest the child records, however the parent behaves. */
    private static final int MAX_RECORDS = 60_000;

    private static final long ADD_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long KILL_AFTER = 3_000;
    private static final Duration LOSS_BOUND = Duration.ofSeconds(1);

    private SpendWriterProcess() {}

    /** The child: {@code SpendWriterProcess FILE}; prints where SQLite came from, then "recorded N" per record. */
    public static void main(String[] args) throws Exception {
        SpendStore store = SpendStore.open(Path.of(args[0]), SpendStore.DEFAULT_FLUSH_INTERVAL);
        System.out.println("sqlite " + org.sqlite.SQLiteJDBCLoader.getVersion() + " from "
                + org.sqlite.SQLiteJDBCLoader.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation());
        for (int n = 1; n <= MAX_RECORDS; n++) {
            store.add(DAY, "team", "openai", "gpt-4o-mini", TOKENS, COST, false);
            System.out.println("recorded " + n);
            LockSupport.parkNanos(ADD_EVERY_NANOS); // a steady trickle of answered requests
        }
        store.close();
    }

    /**
     * Starts the child in {@code workDir}, kills it with SIGKILL once it has recorded for a few seconds, and
     * asserts that the file holds everything it had recorded up to {@link #LOSS_BOUND} before the kill, and no
     * more than it recorded.
     *
     * @return the child's first line (where SQLite came from)
     */
    public static String killAndCheck(String classPath, Path workDir) throws Exception {
        Files.createDirectories(workDir);
        Path file = workDir.resolve("spend.db");
        Path stderr = workDir.resolve("stderr.txt");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m",
                        "-cp",
                        classPath,
                        SpendWriterProcess.class.getName(),
                        file.toString())
                .directory(workDir.toFile())
                .redirectError(stderr.toFile())
                .start();
        List<long[]> seen = new ArrayList<>(); // {parent's nanoTime on reading the line, count}
        String header = null;
        long killedAt = 0;
        long last = 0;
        try (BufferedReader out = child.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("sqlite ")) {
                    header = line;
                } else if (line.startsWith("recorded ")) {
                    last = Long.parseLong(line.substring("recorded ".length()));
                    if (killedAt == 0) {
                        seen.add(new long[] {System.nanoTime(), last});
                        if (last >= KILL_AFTER) {
                            killedAt = System.nanoTime();
                            // SIGKILL: no shutdown hook, no close, no last flush. (Through the handle: Process's own
                            // destroyForcibly also closes the pipe, whose last lines are still to be read.)
                            child.toHandle().destroyForcibly();
                        }
                    }
                }
            }
        } finally {
            child.destroyForcibly();
        }
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            fail("the child did not die");
        }
        if (killedAt == 0) {
            fail("the child stopped after " + last + " records: " + Files.readString(stderr));
        }
        long mustHave = 0;
        for (long[] s : seen) {
            if (s[0] <= killedAt - LOSS_BOUND.toNanos()) {
                mustHave = s[1];
            }
        }
        assertTrue(mustHave >= KILL_AFTER / 2, "recorded " + mustHave + " more than a second before the kill");

        try (SpendStore reopened = SpendStore.open(file, SpendStore.DEFAULT_FLUSH_INTERVAL)) {
            Map<String, SpendTotals> byKey = reopened.totals(SpendStore.By.KEY, Long.MIN_VALUE, Long.MAX_VALUE)
                    .get(10, TimeUnit.SECONDS);
            SpendTotals kept = byKey.getOrDefault("team", SpendTotals.ZERO);
            assertTrue(
                    kept.requests() >= mustHave && kept.requests() <= last,
                    "kept " + kept.requests() + " of " + last + " recorded; " + mustHave
                            + " were recorded a second or more before the kill");
            assertEquals(kept.requests() * COST, kept.costNanos());
            assertEquals(kept.requests() * TOKENS.output(), kept.output());
        }
        return header == null ? "" : header;
    }
}
