package io.llmgateway.bench.jmh;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.Limits;
import io.llmgateway.config.ModelConfig;
import io.llmgateway.config.ModelRoute;
import io.llmgateway.config.ProviderConfig;
import io.llmgateway.config.RoutingSettings;
import io.llmgateway.config.ServerSettings;
import io.llmgateway.config.Strategy;
import io.llmgateway.config.UpstreamSettings;
import io.llmgateway.route.Admission;
import io.llmgateway.route.Attempt;
import io.llmgateway.route.Router;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One local admission by the router (in-memory counters) for a model of three providers under each
 * strategy, then the attempt's settlement. The {@link Attempt} is the one object an admission allocates, so
 * {@code gc.alloc.rate.norm} should be its size and nothing more.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@Threads(1)
@State(Scope.Benchmark)
public class RouterBenchmark {
    private Router router;

    @Setup
    public void setup() {
        Map<String, ProviderConfig> providers = new LinkedHashMap<>();
        Map<String, ModelConfig> models = new LinkedHashMap<>();
        for (String name : List.of("a", "b", "c")) {
            providers.put(
                    name,
                    new ProviderConfig(
                            name,
                            URI.create("https://" + name + ".example/v1"),
                            "sk-" + name,
                            new Limits(Limits.UNLIMITED, 1_000_000_000, Limits.UNLIMITED, 100_000)));
        }
        for (Strategy s : Strategy.values()) {
            models.put(
                    s.configName(),
                    new ModelConfig(
                            s.configName(),
                            List.of(
                                    new ModelRoute("a", "a", true, 1),
                                    new ModelRoute("b", "b", true, 2),
                                    new ModelRoute("c", "c", true, 3)),
                            s,
                            null));
        }
        router = new Router(
                new GatewayConfig(
                        ServerSettings.DEFAULT,
                        UpstreamSettings.DEFAULT,
                        RoutingSettings.defaults(),
                        providers,
                        models,
                        List.of()),
                Clock.systemUTC());
    }

    @TearDown
    public void tearDown() {
        router.close();
    }

    private boolean admitSettle(String model) {
        Admission a = router.admit(model, 100, Set.of());
        return ((Attempt) a).cancelled(0);
    }

    @Benchmark
    public boolean priority() {
        return admitSettle("priority");
    }

    @Benchmark
    public boolean headroom() {
        return admitSettle("headroom");
    }

    @Benchmark
    public boolean weighted() {
        return admitSettle("weighted");
    }
}
