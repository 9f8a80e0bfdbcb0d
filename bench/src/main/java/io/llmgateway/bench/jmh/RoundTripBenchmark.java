package io.llmgateway.bench.jmh;

import io.llmgateway.Features;
import io.llmgateway.bench.BlockingHttpClient;
import io.llmgateway.bench.CannedMock;
import io.llmgateway.bench.Payloads;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.server.GatewayServer;
import io.llmgateway.testing.MockProvider;
import io.llmgateway.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One request and its whole response over loopback, to the mock directly ({@code target=direct}, the
 * reference) and through an in-process gateway in front of the same mock ({@code target=gateway}). The
 * difference of the two is what the gateway adds per request: parse, estimate, admit, route, splice,
 * relay, tap. Keep-alive, one connection per benchmark thread. The allocation figure of {@code -prof gc}
 * includes the client, the gateway and the mock (they share the JVM); compare it between the targets.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 3,
        jvmArgsAppend = {"-Xmx512m"})
public class RoundTripBenchmark {

    @State(Scope.Benchmark)
    public static class Servers {
        MockProvider mock;
        EventLoopGroup workers;
        GatewayServer gateway;

        @Setup(Level.Trial)
        public void start() throws Exception {
            mock = CannedMock.start(0, 1, 0, 0);
            String yaml = "server: {host: 127.0.0.1}\n"
                    + "api_provider:\n  mock:\n    base_url: http://127.0.0.1:" + mock.port() + "/v1\n"
                    + "    api_key: sk-upstream\n"
                    + "    limits: {rpm: 100000000, tpm: 100000000000}\n"
                    + "model_config:\n  gpt-4o-mini:\n    mock: {alias: gpt-4o-mini-2024-07-18}\n";
            GatewayConfig config = ConfigLoader.parse(yaml, Map.of());
            // A free port: the config file's format refuses 0 (it would turn the plain listener off).
            config = config.withServer(config.server().withPort(0));
            workers = Transport.newGroup(1);
            gateway = GatewayServer.start(config, workers, Clock.systemUTC(), g -> Features.install(g, null));
        }

        @TearDown(Level.Trial)
        public void stop() {
            gateway.close();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            mock.close();
        }
    }

    @State(Scope.Thread)
    public static class Client {
        @Param({"direct", "gateway"})
        public String target;

        @Param({"json", "sse"})
        public String kind;

        BlockingHttpClient client;
        byte[] request;

        @Setup(Level.Trial)
        public void connect(Servers servers) throws IOException {
            int port = target.equals("direct") ? servers.mock.port() : servers.gateway.port();
            String body = kind.equals("sse") ? Payloads.SMALL_STREAM_REQUEST : Payloads.SMALL_REQUEST;
            client = new BlockingHttpClient("127.0.0.1", port);
            request = BlockingHttpClient.post("127.0.0.1", port, "/v1/chat/completions", Payloads.utf8(body));
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            client.close();
        }
    }

    @Benchmark
    public int roundTrip(Client c) throws IOException {
        int n = c.client.exchange(c.request, null);
        if (c.client.status() != 200) {
            throw new IllegalStateException("HTTP " + c.client.status());
        }
        return n;
    }
}
