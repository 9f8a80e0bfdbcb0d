package io.llmgateway.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Race;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpendStoreTest {
    private static final Duration RARELY = Duration.ofHours(1); // only explicit flushes, closes and queries write

    @TempDir
    Path dir;

    private static Map<String, SpendTotals> totals(SpendStore store, SpendStore.By by, long from, long to)
            throws Exception {
        return store.totals(by, from, to).get(10, TimeUnit.SECONDS);
    }

    @Test
    void totals_byKeyProviderAndModel_overARangeOfDays() throws Exception {
        try (SpendStore store = SpendStore.open(dir.resolve("spend.db"), RARELY)) {
            store.add(100, "a", "openai", "gpt-4o", BilledTokens.openAi(1_000, 400, 10), 5_000, false);
            store.add(100, "a", "openai", "gpt-4o", BilledTokens.openAi(1_000, 0, 20), 6_000, false);
            store.add(101, "a", "anthropic", "claude", BilledTokens.anthropic(10, 300, 40, 5), 7_000, false);
            store.add(101, "b", "groq", "llama", BilledTokens.openAi(50, 0, 5), 0, true);

            // pending adds are counted without an explicit flush
            assertEquals(
                    Map.of(
                            "a", new SpendTotals(3, 0, 2_010, 400, 300, 40, 35, 18_000),
                            "b", new SpendTotals(1, 1, 50, 0, 0, 0, 5, 0)),
                    totals(store, SpendStore.By.KEY, 100, 102));
            assertEquals(
                    List.of("anthropic", "groq", "openai"),
                    List.copyOf(totals(store, SpendStore.By.PROVIDER, 0, Long.MAX_VALUE)
                            .keySet()));
            assertEquals(
                    Map.of(
                            "claude",
                            new SpendTotals(1, 0, 10, 0, 300, 40, 5, 7_000),
                            "llama",
                            new SpendTotals(1, 1, 50, 0, 0, 0, 5, 0)),
                    totals(store, SpendStore.By.MODEL, 101, 102));
            assertEquals(Map.of(), totals(store, SpendStore.By.MODEL, 102, 200));
        }
    }

    @Test
    void reopen_keepsTheSums_andAddsToThem() throws Exception {
        Path file = dir.resolve("spend.db");
        try (SpendStore store = SpendStore.open(file, RARELY)) {
            store.add(100, "a", "p", "m", BilledTokens.openAi(10, 0, 1), 1_000, false);
        } // close writes what is pending
        try (SpendStore store = SpendStore.open(file, RARELY)) {
            assertEquals(
                    1_000, totals(store, SpendStore.By.KEY, 0, 1_000).get("a").costNanos());
            store.add(100, "a", "p", "m", BilledTokens.openAi(10, 0, 1), 2_000, false);
            store.flush().get(10, TimeUnit.SECONDS);
        }
        try (SpendStore store = SpendStore.open(file, RARELY)) {
            assertEquals(
                    new SpendTotals(2, 0, 20, 0, 0, 0, 2, 3_000),
                    totals(store, SpendStore.By.PROVIDER, 0, 1_000).get("p"));
        }
    }

    @Test
    void add_racingTheWriter_nothingLostOrCountedTwice() throws Exception {
        try (SpendStore store = SpendStore.open(dir.resolve("spend.db"), Duration.ofMillis(1))) {
            long added = Race.run(8, 5_000, () -> {
                long day = Thread.currentThread().getId() % 3; // cells come and go while the writer drains
                store.add(day, "k", "p", "m", BilledTokens.openAi(3, 1, 2), 7, false);
                return 1;
            });
            SpendTotals t = totals(store, SpendStore.By.KEY, 0, 3).get("k");
            assertEquals(new SpendTotals(added, 0, 3 * added, added, 0, 0, 2 * added, 7 * added), t);
        }
    }

    @Test
    void open_unusablePath_namesTheFile() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        IOException e =
                assertThrows(IOException.class, () -> SpendStore.open(notADirectory.resolve("spend.db"), RARELY));
        assertTrue(e.getMessage().contains("plain-file"), e.getMessage());

        Path notSqlite = Files.writeString(dir.resolve("garbage.db"), "this is not an SQLite file, not at all.");
        e = assertThrows(IOException.class, () -> SpendStore.open(notSqlite, RARELY));
        assertTrue(e.getMessage().startsWith("cannot open the spend file " + notSqlite), e.getMessage());
    }

    @Test
    void open_fileOfANewerGateway_refused() throws Exception {
        Path file = dir.resolve("spend.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            s.executeUpdate("PRAGMA user_version = " + (SpendTable.SCHEMA_VERSION + 1));
        }
        IOException e = assertThrows(IOException.class, () -> SpendStore.open(file, RARELY));
        assertTrue(e.getMessage().contains("written by a newer gateway"), e.getMessage());
    }

    @Test
    void closed_queriesFail() throws Exception {
        SpendStore store = SpendStore.open(dir.resolve("spend.db"), RARELY);
        store.close();
        store.close(); // twice is fine
        assertTrue(store.flush().isCompletedExceptionally());
    }
}
