package io.llmgateway.spend;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * The {@code spend} table of the SQLite file: sums per (day, client key, provider, model). Used by one thread
 * at a time (the store's writer).
 */
final class SpendTable implements AutoCloseable {
    /** The schema this code writes; a file with a higher {@code user_version} is from a newer gateway. */
    static final int SCHEMA_VERSION = 1;

    private static final String COLUMNS = "requests, unpriced, input_tokens, cached_input_tokens, cache_read_tokens,"
            + " cache_write_tokens, output_tokens, cost_nanos";

    private static final String CREATE = "CREATE TABLE IF NOT EXISTS spend ("
            + "day INTEGER NOT NULL, client_key TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL,"
            + " requests INTEGER NOT NULL, unpriced INTEGER NOT NULL, input_tokens INTEGER NOT NULL,"
            + " cached_input_tokens INTEGER NOT NULL, cache_read_tokens INTEGER NOT NULL,"
            + " cache_write_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cost_nanos INTEGER NOT NULL,"
            + " PRIMARY KEY (day, client_key, provider, model)) WITHOUT ROWID";

    private static final String UPSERT = "INSERT INTO spend (day, client_key, provider, model, " + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (day, client_key, provider, model) DO UPDATE SET"
            + " requests = requests + excluded.requests, unpriced = unpriced + excluded.unpriced,"
            + " input_tokens = input_tokens + excluded.input_tokens,"
            + " cached_input_tokens = cached_input_tokens + excluded.cached_input_tokens,"
            + " cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,"
            + " cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,"
            + " output_tokens = output_tokens + excluded.output_tokens,"
            + " cost_nanos = cost_nanos + excluded.cost_nanos";

    /**
     * Budget resets: what a reset forgot of a key's or provider's spend in one period (the period's sum when it
     * happened). A restore subtracts the latest of the period.
     */
    private static final String CREATE_RESETS = "CREATE TABLE IF NOT EXISTS budget_resets ("
            + "kind TEXT NOT NULL, name TEXT NOT NULL, period TEXT NOT NULL, period_number INTEGER NOT NULL,"
            + " forgotten_nanos INTEGER NOT NULL, at_millis INTEGER NOT NULL)";

    private final Connection connection;
    private final PreparedStatement upsert;

    private SpendTable(Connection connection) throws SQLException {
        this.connection = connection;
        this.upsert = connection.prepareStatement(UPSERT);
    }

    static SpendTable open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(5000);
        Connection connection = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try {
            try (Statement s = connection.createStatement()) {
                int version;
                try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                    version = rs.next() ? rs.getInt(1) : 0;
                }
                if (version > SCHEMA_VERSION) {
                    throw new SQLException("written by a newer gateway (schema " + version + ", this one reads "
                            + SCHEMA_VERSION + ")");
                }
                s.executeUpdate(CREATE);
                s.executeUpdate(CREATE_RESETS);
                s.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
            }
            connection.setAutoCommit(false);
            connection.commit();
            return new SpendTable(connection);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Adds the sums to the stored ones in one transaction: all of them, or none. */
    void add(List<SpendCells.Drained> batch) throws SQLException {
        try {
            for (SpendCells.Drained d : batch) {
                SpendCells.Cell c = d.cell();
                SpendTotals t = d.totals();
                upsert.setLong(1, c.day());
                upsert.setString(2, c.key());
                upsert.setString(3, c.provider());
                upsert.setString(4, c.model());
                upsert.setLong(5, t.requests());
                upsert.setLong(6, t.unpriced());
                upsert.setLong(7, t.input());
                upsert.setLong(8, t.cachedInput());
                upsert.setLong(9, t.cacheRead());
                upsert.setLong(10, t.cacheWrite());
                upsert.setLong(11, t.output());
                upsert.setLong(12, t.costNanos());
                upsert.addBatch();
            }
            upsert.executeBatch();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            upsert.clearBatch();
            connection.rollback();
            throw e;
        }
    }

    /** Sums of the days {@code [fromDay, toDay)} grouped by {@code by}'s column. */
    Map<String, SpendTotals> totals(SpendStore.By by, long fromDay, long toDay) throws SQLException {
        String sql = "SELECT " + by.column + ", SUM(requests), SUM(unpriced), SUM(input_tokens),"
                + " SUM(cached_input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens),"
                + " SUM(cost_nanos) FROM spend WHERE day >= ? AND day < ? GROUP BY " + by.column
                + " ORDER BY " + by.column;
        Map<String, SpendTotals> out = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setLong(1, fromDay);
            query.setLong(2, toDay);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    out.put(
                            rs.getString(1),
                            new SpendTotals(
                                    rs.getLong(2),
                                    rs.getLong(3),
                                    rs.getLong(4),
                                    rs.getLong(5),
                                    rs.getLong(6),
                                    rs.getLong(7),
                                    rs.getLong(8),
                                    rs.getLong(9)));
                }
            }
        } finally {
            connection.commit(); // ends the read transaction, so that the WAL can be checkpointed
        }
        return out;
    }

    /** Writes a reset marker: the sum of {@code name}'s spend in {@code [fromDay, toDay)} is forgotten. */
    void reset(SpendStore.By by, String name, String period, long number, long fromDay, long toDay, long atMillis)
            throws SQLException {
        try {
            long sum;
            try (PreparedStatement q = connection.prepareStatement("SELECT COALESCE(SUM(cost_nanos), 0) FROM spend"
                    + " WHERE " + by.column + " = ? AND day >= ? AND day < ?")) {
                q.setString(1, name);
                q.setLong(2, fromDay);
                q.setLong(3, toDay);
                try (ResultSet rs = q.executeQuery()) {
                    sum = rs.next() ? rs.getLong(1) : 0;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO budget_resets (kind, name,"
                    + " period, period_number, forgotten_nanos, at_millis) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, kindName(by));
                insert.setString(2, name);
                insert.setString(3, period);
                insert.setLong(4, number);
                insert.setLong(5, sum);
                insert.setLong(6, atMillis);
                insert.executeUpdate();
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    /** What the latest reset of each name forgot in one period, by name. */
    Map<String, Long> forgotten(SpendStore.By by, String period, long number) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement q = connection.prepareStatement("SELECT name, forgotten_nanos FROM budget_resets"
                + " WHERE kind = ? AND period = ? AND period_number = ? ORDER BY rowid")) {
            q.setString(1, kindName(by));
            q.setString(2, period);
            q.setLong(3, number);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2)); // a later reset replaces an earlier one
                }
            }
        } finally {
            connection.commit();
        }
        return out;
    }

    private static String kindName(SpendStore.By by) {
        return by == SpendStore.By.KEY ? "key" : "provider";
    }

    @Override
    public void close() throws SQLException {
        try {
            upsert.close();
        } finally {
            connection.close();
        }
    }
}
