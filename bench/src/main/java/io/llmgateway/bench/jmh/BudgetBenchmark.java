package io.llmgateway.bench.jmh;

import io.llmgateway.config.ConfigException;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.route.Admission;
import io.llmgateway.route.Attempt;
import io.llmgateway.route.RouteScope;
import io.llmgateway.route.Router;
import io.llmgateway.spend.BudgetClaim;
import io.llmgateway.spend.Budgets;
import io.llmgateway.spend.RoutePrices;
import java.time.Clock;
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
 * One local admission and its settlement, with and without budgets: {@code withBudgets} reserves the route's
 * worst case in the provider's and the client key's budget and gives it back ({@link Attempt#cancelled} with no
 * tokens settles the spend to 0). The {@link Attempt} is the one object an admission allocates, so
 * {@code gc.alloc.rate.norm} should be the same for both: the budget check adds no allocation. The claim is
 * made once per request, outside admission, and reused here.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@Threads(1)
@State(Scope.Benchmark)
public class BudgetBenchmark {
    private static final String CONFIG = """
            routing: {time_zone: UTC}
            gateway:
              api_keys:
                - {name: team-a, key: sk-team-a-0123456789, budget: {usd: 1000000, period: month}}
            api_provider:
              a: {base_url: "https://a.example/v1", api_key: sk-a, budget: {usd: 1000000, period: day}}
              b: {base_url: "https://b.example/v1", api_key: sk-b}
            model_config:
              m:
                a: {alias: m-a, price: {input: 2.50, output: 10.00}}
                b: {alias: m-b, price: {input: 2.50, output: 10.00}}
            """;

    private Router router;
    private BudgetClaim claim;

    @Setup
    public void setup() throws ConfigException {
        GatewayConfig config = ConfigLoader.parse(CONFIG, Map.of());
        router = new Router(config, Clock.systemUTC());
        Budgets budgets = new Budgets(Clock.systemUTC());
        budgets.configure(config).join();
        claim = BudgetClaim.of(budgets, RoutePrices.of(config), "team-a", 4096);
        claim.request(100, 1000);
    }

    @TearDown
    public void tearDown() {
        router.close();
    }

    private boolean admitSettle(BudgetClaim c) {
        Admission a = router.admit("m", 1100, Set.of(), RouteScope.ANY, c);
        return ((Attempt) a).cancelled(0);
    }

    @Benchmark
    public boolean withoutBudgets() {
        return admitSettle(BudgetClaim.NONE);
    }

    @Benchmark
    public boolean withBudgets() {
        return admitSettle(claim);
    }
}
