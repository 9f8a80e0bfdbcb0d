package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.llmgateway.limit.LuaScript;
import io.llmgateway.limit.RedisConnection;
import io.llmgateway.limit.SharedWindows;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Provider health shared through Redis: circuit openings (failures, 429 Retry-After, refused keys) and
 * resets.
 *
 * <p>Design notes. An opening is one key per provider, {@code "untilMillis keyRejected"}, that expires when
 * the opening ends ({@code PXAT}), so an instance that reads nothing knows the provider is not known to be
 * down. A later opening replaces an earlier one, never the reverse, and a refused key is never forgotten
 * by a shorter opening. Closings are not shared: every instance gives a provider whose opening ended one
 * trial of its own. Resets are counters in one hash ({@code *} for all providers, else per provider);
 * an instance that sees one move resets its own view of the providers concerned. A marker key names the
 * data set, so that an instance notices when Redis lost it.
 */
final class SharedHealth {

    static final String RESETS_KEY = SharedWindows.PREFIX + "resets";
    static final String MARKER_KEY = SharedWindows.PREFIX + "generation";
    static final String ALL = "*";

    /* KEYS[1] a health key. ARGV: until (epoch millis), keyRejected (0 or 1). */
    static final LuaScript OPEN = LuaScript.of(
            "open",
            ""
                    + "local untilS, rejected = ARGV[1], ARGV[2]\n"
                    + "local cur = redis.call('GET', KEYS[1])\n"
                    + "if cur then\n"
                    + "  local u, r = string.match(cur, '^(%d+) (%d)$')\n"
                    + "  if u and tonumber(u) >= tonumber(untilS) then\n"
                    + "    if r == '1' or rejected == '0' then return 0 end\n"
                    + "    untilS = u\n"
                    + "  end\n"
                    + "end\n"
                    + "redis.call('SET', KEYS[1], untilS .. ' ' .. rejected, 'PXAT', untilS)\n"
                    + "return 1\n");

    /* KEYS[1] the marker. ARGV[1] a new random value, set if there is none. Returns the marker. */
    static final LuaScript MARKER = LuaScript.of(
            "marker",
            ""
                    + "local v = redis.call('GET', KEYS[1])\n"
                    + "if not v then\n"
                    + "  redis.call('SET', KEYS[1], ARGV[1])\n"
                    + "  v = ARGV[1]\n"
                    + "end\n"
                    + "return v\n");

    private final RedisConnection redis;

    SharedHealth(RedisConnection redis) {
        this.redis = requireNonNull(redis, "redis");
    }

    static String key(String provider) {
        return SharedWindows.key(provider, "health");
    }

    /** Tells every instance that {@code provider} is out of rotation until {@code untilMillis}. */
    CompletableFuture<Long> publishOpen(String provider, long untilMillis, boolean keyRejected) {
        return redis.eval(
                OPEN,
                ScriptOutputType.INTEGER,
                new String[] {key(provider)},
                Long.toString(untilMillis),
                keyRejected ? "1" : "0");
    }

    /** The openings now in force, by provider (providers without one are absent). */
    CompletableFuture<Map<String, Opening>> openings(List<String> providers) {
        if (providers.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        String[] keys = providers.stream().map(SharedHealth::key).toArray(String[]::new);
        return redis.<List<KeyValue<String, String>>>run(c -> c.mget(keys)).thenApply(values -> {
            Map<String, Opening> out = new HashMap<>();
            for (int i = 0; i < values.size() && i < providers.size(); i++) {
                KeyValue<String, String> kv = values.get(i);
                Opening o = kv.hasValue() ? Opening.parse(kv.getValue()) : null;
                if (o != null) {
                    out.put(providers.get(i), o);
                }
            }
            return out;
        });
    }

    /**
     * The random value that names this Redis's data set (created with {@code candidate} if missing). It
     * changes when Redis lost its data (restarted without persistence, flushed, failed over to an empty
     * replica), which tells the instances to put back what they counted.
     */
    CompletableFuture<String> marker(String candidate) {
        return redis.eval(MARKER, ScriptOutputType.VALUE, new String[] {MARKER_KEY}, candidate);
    }

    /** The reset counters: {@code *} and provider names to how often each was reset. */
    CompletableFuture<Map<String, String>> resets() {
        return redis.run(c -> c.hgetall(RESETS_KEY));
    }

    /**
     * Forgets the openings of {@code providers} and bumps their reset counter ({@link #ALL} when
     * {@code all}); completes with the new counter value.
     */
    CompletableFuture<Long> reset(Collection<String> providers, boolean all, String field) {
        String[] keys = providers.stream().map(SharedHealth::key).toArray(String[]::new);
        CompletableFuture<Long> deleted =
                keys.length == 0 ? CompletableFuture.completedFuture(0L) : redis.run(c -> c.del(keys));
        return deleted.thenCompose(n -> redis.run(c -> c.hincrby(RESETS_KEY, all ? ALL : field, 1)));
    }

    /** A shared opening: out of rotation until {@code untilMillis}; {@code keyRejected} after a 401/403. */
    record Opening(long untilMillis, boolean keyRejected) {
        static Opening parse(String value) {
            int space = value.indexOf(' ');
            try {
                return new Opening(
                        Long.parseLong(space < 0 ? value : value.substring(0, space)),
                        space > 0 && value.substring(space + 1).equals("1"));
            } catch (NumberFormatException e) {
                return null; // not ours: ignore
            }
        }
    }
}
