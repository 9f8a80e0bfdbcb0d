package io.llmgateway.route;

import static io.llmgateway.config.Limits.UNLIMITED;
import static io.llmgateway.route.TestConfigs.route;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.LimitsStoreSettings;
import io.llmgateway.openai.Usage;
import io.llmgateway.testing.RedisServer;
import io.netty.util.ResourceLeakDetector;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: a timed loop that reports what admission costs with the in-memory counters and with the
 * shared Redis store (admit + settle per request, one provider, limits never reached). Run it with
 * {@code mvn -o -pl proxy test -Dtest=SharedAdmissionThroughputTest -Dllmgw.bench=true}; the README
 * quotes its figures.
 */
@EnabledIfSystemProperty(named = "llmgw.bench", matches = "true")
class SharedAdmissionThroughputTest {
    private static final Set<String> NONE = Set.of();
    private static final Usage USAGE = new Usage(80, 20, 100, false);

    @BeforeAll
    static void productionBuffers() {
        // Tests track every buffer with stack traces (paranoid leak detection); that would measure the
        // tracking, not Lettuce. This class runs alone, on request.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    private static GatewayConfig config() {
        return new TestConfigs().provider("acme", 1_000_000_000L, 1_000_000_000_000L, UNLIMITED, UNLIMITED)
                .model("gpt-4o", route("acme")).build();
    }

    @Test
    void inMemory() throws Exception {
        try (Router r = new Router(config(), Clock.systemUTC())) {
            for (int round = 0; round < 3; round++) {
                int threads = 2;
                long perThread = 2_000_000;
                CountDownLatch done = new CountDownLatch(threads);
                long start = System.nanoTime();
                for (int t = 0; t < threads; t++) {
                    new Thread(() -> {
                        for (long i = 0; i < perThread; i++) {
                            ((Attempt) r.admit("gpt-4o", 120, NONE)).succeeded(USAGE);
                        }
                        done.countDown();
                    }).start();
                }
                done.await();
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("in-memory: %,.0f admissions+settlements/s (%d threads)%n",
                        threads * perThread / seconds, threads);
            }
        }
    }

    @Test
    void sharedRedis() throws Exception {
        try (RedisServer redis = RedisServer.startOrSkip();
             Router r = new Router(config().withLimitsStore(new LimitsStoreSettings(URI.create(redis.uri()),
                     Duration.ofSeconds(2), 0.5)), Clock.systemUTC())) {
            run(r, 64, 100_000); // warm-up
            for (int inFlight : new int[] {1, 16, 64, 256}) {
                run(r, inFlight, inFlight == 1 ? 10_000 : 100_000);
            }
            System.out.println("store status after the runs: " + r.storeStatus());
        }
    }

    private static void run(Router r, int inFlight, int requests) throws Exception {
        Semaphore window = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(requests);
        long[] latencies = new long[requests];
        AtomicLong denied = new AtomicLong();
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            window.acquire();
            int index = i;
            long sent = System.nanoTime();
            r.admitAsync("gpt-4o", 120, NONE).whenComplete((a, e) -> {
                latencies[index] = System.nanoTime() - sent;
                if (a instanceof Attempt) {
                    ((Attempt) a).succeeded(USAGE); // one more script call, not awaited
                } else {
                    denied.incrementAndGet();
                }
                window.release();
                done.countDown();
            });
        }
        done.await(2, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        System.out.printf("redis, %3d in flight: %,8.0f admissions+settlements/s, admission p50 %5.2f ms, "
                        + "p99 %5.2f ms, denied %d, mode %s%n", inFlight, requests / seconds,
                latencies[requests / 2] / 1e6, latencies[requests * 99 / 100] / 1e6, denied.get(),
                r.storeStatus().mode().label());
    }
}
