package io.llmgateway.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import io.llmgateway.Features;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.LoggingSettings;
import io.llmgateway.config.SpendSettings;
import io.llmgateway.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** A real gateway on an ephemeral loopback port, for end-to-end tests. */
public final class TestGateway implements AutoCloseable {
    /** Where the gateways of tests that set no {@code logging.directory} write their interaction log. */
    public static final String TEST_LOG_DIR = "target/test-logs";

    public static final String TEST_SPEND_DIR = "target/test-spend";

    private final EventLoopGroup workers;
    private final GatewayServer server;
    private final Path configFile;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private TestGateway(EventLoopGroup workers, GatewayServer server, Path configFile) {
        this.workers = workers;
        this.server = server;
        this.configFile = configFile;
    }

    /** Starts a gateway from YAML text; the listeners always bind 127.0.0.1 on free ports. */
    public static TestGateway start(String yaml) throws Exception {
        return start(yaml, Map.of());
    }

    public static TestGateway start(String yaml, Map<String, String> env) throws Exception {
        return start(ConfigLoader.parse(yaml, env), null, Clock.systemDefaultZone());
    }

    /** Starts a gateway from YAML text whose time is {@code clock} (e.g. a MutableClock). */
    public static TestGateway start(String yaml, Clock clock) throws Exception {
        return start(ConfigLoader.parse(yaml, Map.of()), null, clock);
    }

    /**
     * Writes {@code yaml} to {@code config.yaml} in {@code dir} and starts from that file, as Main does
     * (so features that write the config back, like the admin page, have a file). Environment references
     * are resolved from the process environment, as in production.
     */
    public static TestGateway startFromFile(Path dir, String yaml) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return startFromFile(file);
    }

    /** Starts from an existing config file (e.g. again after a restart). */
    public static TestGateway startFromFile(Path file) throws Exception {
        return start(ConfigLoader.load(file, System.getenv()), file, Clock.systemDefaultZone());
    }

    private static TestGateway start(GatewayConfig config, Path configFile, Clock clock) throws Exception {
        config = config.withServer(config.server().withHost("127.0.0.1"));
        if (config.server().hasPlainListener()) {
            config = config.withServer(config.server().withPort(0));
        }
        if (config.server().tls() != null) {
            config = config.withServer(
                    config.server().withTls(config.server().tls().withPort(0)));
        }
        if (config.logging().directory().equals(LoggingSettings.DEFAULT.directory())) {
            // Keep the interaction logs of tests that do not look at them out of the source tree.
            config = config.withLogging(config.logging().withDirectory(TEST_LOG_DIR));
        }
        if (config.spend().spendFile().equals(SpendSettings.DEFAULT_SPEND_FILE)) {
            // One spend file per test gateway, out of the source tree and of other tests' sums.
            SpendSettings spend = config.spend();
            config = config.withSpend(new SpendSettings(
                    spend.pricing(),
                    spend.providerBudgets(),
                    TEST_SPEND_DIR + "/" + UUID.randomUUID() + ".db",
                    spend.reserveOutputTokens()));
        }
        int threads = config.server().ioThreads();
        EventLoopGroup workers =
                Transport.newGroup(threads == 0 ? 2 : threads, config.server().transport());
        try {
            return new TestGateway(
                    workers,
                    GatewayServer.start(config, workers, clock, gateway -> Features.install(gateway, configFile)),
                    configFile);
        } catch (Exception e) {
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** The config file this gateway started from, or null when it started from text. */
    public Path configFile() {
        return configFile;
    }

    public int port() {
        return server.port();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** The TLS listener's port (a config with {@code server.tls}). */
    public int tlsPort() {
        return server.tlsPort();
    }

    /** {@code https://127.0.0.1:TLS_PORT/path}. */
    public String tlsUrl(String path) {
        return "https://127.0.0.1:" + tlsPort() + path;
    }

    public Gateway gateway() {
        return server.gateway();
    }

    public GatewayServer server() {
        return server;
    }

    /** The official OpenAI SDK pointed at this gateway, with its own retries off so tests see every status. */
    public OpenAIClient openai() {
        return OpenAIOkHttpClient.builder()
                .baseUrl(url("/v1"))
                .apiKey("client-key-not-forwarded")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(20))
                .build();
    }

    public HttpResponse<String> post(String path, String json, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
                .timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url(path)))
                        .timeout(Duration.ofSeconds(20))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        server.close();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
