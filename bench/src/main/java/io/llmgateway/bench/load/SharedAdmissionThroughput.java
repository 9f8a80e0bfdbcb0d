package io.llmgateway.bench.load;

import io.llmgateway.bench.Args;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.protocol.Usage;
import io.llmgateway.route.Admission;
import io.llmgateway.route.Attempt;
import io.llmgateway.route.Router;
import io.llmgateway.testing.RedisServer;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What admission costs per request with the in-memory counters and with the shared Redis limits store: an
 * admission then its settlement with real usage, as every completed request does, on one provider whose
 * limits are never reached (so every admission takes the whole path, not the cheap rejection). One line per
 * run on standard output.
 *
 * <p>In memory: {@code --threads} threads (default 2) admit and settle back to back, {@code --per-thread}
 * times each (default 2,000,000), {@code --rounds} times (default 3; the first round includes the JIT's
 * warm-up); the figure is admissions plus settlements per second, all threads together.
 *
 * <p>Redis: admissions go out asynchronously with a bounded number in flight ({@code --in-flight}, default
 * 1,16,64,256: as many requests as the event loops have waiting on the store), after a warm-up run at 64;
 * each line gives the rate, the admission latency (request to the store's answer) at p50 and p99, the
 * denials (0 unless the limits are reached) and the store's mode, which says whether the router counted in
 * Redis or fell back to its local counters. The settlement is a second script call that is not awaited, as
 * in the gateway. The program starts a redis-server of its own on a free loopback port (it must be
 * installed), so that nothing else writes to the store; {@code --redis-uri redis://host:port/0} uses a
 * running one instead, {@code --redis-uri none} skips these runs.
 *
 * <pre>
 * nice mvn -B -q -pl bench -am -DskipTests package
 * java -cp bench/target/benchmarks.jar io.llmgateway.bench.load.SharedAdmissionThroughput
 * java -cp bench/target/benchmarks.jar io.llmgateway.bench.load.SharedAdmissionThroughput --rounds 1 --in-flight 64
 * </pre>
 */
public final class SharedAdmissionThroughput {
    private static final Set<String> NONE = Set.of();
    private static final long ESTIMATE = 120;
    private static final Usage USAGE = new Usage(80, 20, 100, false);
    private static final String MODEL = "gpt-4o";

    private SharedAdmissionThroughput() {}

    public static void main(String[] args) throws Exception {
        Args a = new Args(args);
        int threads = a.intValue("--threads", 2);
        int perThread = a.intValue("--per-thread", 2_000_000);
        int rounds = a.intValue("--rounds", 3);
        int requests = a.intValue("--requests", 100_000);
        int[] inFlight = Arrays.stream(a.value("--in-flight", "1,16,64,256").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim()))
                .toArray();
        String redisUri = a.value("--redis-uri", null);

        try (Router r = new Router(config(""), Clock.systemUTC())) {
            for (int round = 0; round < rounds; round++) {
                inMemory(r, threads, perThread);
            }
        }
        if ("none".equals(redisUri)) {
            return;
        }
        if (redisUri != null) {
            shared(redisUri, requests, inFlight);
        } else if (!RedisServer.installed()) {
            System.err.println("redis-server is not installed (Debian: apt-get install redis-server): skipping the"
                    + " shared store runs; --redis-uri redis://host:port/0 uses a running server");
        } else {
            try (RedisServer redis = RedisServer.started()) {
                shared(redis.uri(), requests, inFlight);
            }
        }
    }

    /** One provider with limits far above what a run reaches, and one model routed to it. */
    private static GatewayConfig config(String limitsStore) throws Exception {
        return ConfigLoader.parse(
                limitsStore
                        + "api_provider:\n  acme:\n    base_url: https://acme.example/v1\n    api_key: sk-bench\n"
                        + "    limits: {rpm: 1000000000, tpm: 1000000000000}\n"
                        + "model_config:\n  " + MODEL + ":\n    acme: {alias: " + MODEL + "-alias}\n",
                Map.of());
    }

    private static void inMemory(Router r, int threads, int perThread) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(threads);
        AtomicReference<Admission> refused = new AtomicReference<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(
                    () -> {
                        try {
                            for (int i = 0; i < perThread && refused.get() == null; i++) {
                                Admission admission = r.admit(MODEL, ESTIMATE, NONE);
                                if (!(admission instanceof Attempt)) {
                                    refused.set(admission);
                                    break;
                                }
                                ((Attempt) admission).succeeded(USAGE);
                            }
                        } finally {
                            done.countDown();
                        }
                    },
                    "admit-" + t);
            worker.setDaemon(true);
            worker.start();
        }
        done.await();
        if (refused.get() != null) {
            throw new IllegalStateException("an in-memory admission was refused: " + refused.get());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "in-memory: %,.0f admissions+settlements/s (%d threads)%n",
                (double) threads * perThread / seconds, threads);
    }

    private static void shared(String uri, int requests, int[] inFlight) throws Exception {
        // A generous timeout: a slow answer is measured, not replaced by the local fallback.
        try (Router r =
                new Router(config("limits_store: " + uri + "\nlimits_store_timeout: 2s\n"), Clock.systemUTC())) {
            run(r, 64, requests); // warm-up: the JIT, and the store's connection and scripts
            for (int n : inFlight) {
                run(r, n, n == 1 ? Math.max(1, requests / 10) : requests);
            }
            System.out.println("store status after the runs: " + r.storeStatus());
        }
    }

    private static void run(Router r, int inFlight, int requests) throws InterruptedException {
        Semaphore window = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(requests);
        long[] latencies = new long[requests];
        AtomicLong denied = new AtomicLong();
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            window.acquire();
            int index = i;
            long sent = System.nanoTime();
            r.admitAsync(MODEL, ESTIMATE, NONE).whenComplete((admission, error) -> {
                latencies[index] = System.nanoTime() - sent;
                if (admission instanceof Attempt) {
                    ((Attempt) admission).succeeded(USAGE);
                } else {
                    denied.incrementAndGet();
                }
                window.release();
                done.countDown();
            });
        }
        if (!done.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException(
                    done.getCount() + " of " + requests + " admissions unanswered after 2 minutes");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        System.out.printf(
                "redis, %3d in flight: %,8.0f admissions+settlements/s, admission p50 %5.2f ms, "
                        + "p99 %5.2f ms, denied %d, mode %s%n",
                inFlight,
                requests / seconds,
                latencies[requests / 2] / 1e6,
                latencies[requests * 99 / 100] / 1e6,
                denied.get(),
                r.storeStatus().mode().label());
    }
}
