package io.llmgateway;

import io.llmgateway.config.ConfigException;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.LoggingSettings;
import io.llmgateway.config.ServerSettings;
import io.llmgateway.config.TlsSettings;
import io.llmgateway.demo.DemoProvider;
import io.llmgateway.observe.LogSetup;
import io.llmgateway.server.GatewayServer;
import io.llmgateway.tls.TlsEngine;
import io.llmgateway.tokens.Vocabularies;
import io.llmgateway.transport.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Ticker;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import sun.misc.Signal;

/** Starts the gateway: {@code java -jar llm-gateway.jar [--config PATH] [--port N]}. */
public final class Main {
    // No static logger: log4j2 configures itself when the first logger is created, and the log directory
    // and level come from the config file, which is read first (see LogSetup).
    static final String DEFAULT_CONFIG = "config.yaml";
    private static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    private Main() {}

    public static void main(String[] args) throws Exception {
        // The only place that picks the system's time: everything else gets it from the gateway.
        Clock clock = Clock.systemDefaultZone();
        Ticker ticker = Ticker.systemTicker();
        long startNanos = ticker.nanoTime();
        // Netty's default leak detection records a stack trace for one buffer in 128, a measurable share of
        // the event loops' time. The tests run with it at paranoid; -Dio.netty.leakDetection.level=simple
        // turns it back on in production to diagnose.
        if (System.getProperty(LEAK_DETECTION) == null) {
            System.setProperty(LEAK_DETECTION, "disabled");
        }
        Transport.configureNetty(); // before anything loads Netty's io_uring classes
        Vocabularies.startLoading(); // half of the start-up: let it run while the rest is set up
        CommandLine cli;
        try {
            cli = CommandLine.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("llm-gateway: " + e.getMessage());
            System.err.println(CommandLine.USAGE);
            System.exit(2);
            return;
        }
        if (cli.help()) {
            System.out.println(CommandLine.USAGE);
            return;
        }

        GatewayConfig config;
        boolean demo = false;
        try {
            config = ConfigLoader.load(cli.configPath(), System.getenv());
        } catch (NoSuchFileException e) {
            if (cli.configGiven()) {
                System.err.println("llm-gateway: config file not found: "
                        + cli.configPath().toAbsolutePath());
                System.exit(2);
                return;
            }
            config = null;
            demo = true;
        } catch (ConfigException e) {
            System.err.println("llm-gateway: invalid configuration in " + cli.configPath() + ":");
            for (String problem : e.problems()) {
                System.err.println("  " + problem);
            }
            System.exit(2);
            return;
        }

        LoggingSettings logging = config == null ? LoggingSettings.DEFAULT : config.logging();
        long loggingStartNanos = ticker.nanoTime();
        LogSetup.apply(logging);
        Logger log = LogManager.getLogger(Main.class);
        // log4j2 starts here, once the config has named the log directory: reported on its own, so that
        // "ready in" means the gateway's own start-up.
        long loggingNanos = ticker.nanoTime() - loggingStartNanos;
        if (config != null) {
            log.info("configuration loaded from {}", cli.configPath().toAbsolutePath());
        }
        log.info(
                "logs in {} (app.log{})",
                Path.of(logging.directory()).toAbsolutePath(),
                logging.interactions() ? ", agent_interactions.log" : "");

        ServerSettings serverSettings = config == null ? ServerSettings.DEFAULT : config.server();
        EventLoopGroup workers;
        try {
            workers = Transport.newGroup(serverSettings.ioThreads(), serverSettings.transport());
        } catch (IllegalStateException e) {
            log.error("{}", e.getMessage());
            System.exit(1);
            return;
        }
        DemoProvider demoProvider = null;
        if (demo) {
            demoProvider = DemoProvider.start(workers, clock);
            config = ConfigLoader.demo(demoProvider.baseUrl());
            log.warn(
                    "DEMO MODE: no {} found, serving models {} from the built-in demo provider at {}. "
                            + "Copy config.yaml.example to config.yaml and add real providers.",
                    cli.configPath(),
                    config.models().keySet(),
                    demoProvider.baseUrl());
        }
        if (cli.port() != null) {
            config = config.withServer(config.server().withPort(cli.port()));
        }

        GatewayServer server;
        try {
            Path configFile = demo ? null : cli.configPath();
            server = GatewayServer.start(
                    config, workers, clock, ticker, gateway -> Features.install(gateway, configFile));
        } catch (IllegalStateException e) {
            log.error("cannot start: {}", e.getMessage()); // a feature's resource, named by its config field
            System.exit(1);
            return;
        } catch (Exception e) {
            log.error("cannot listen on {}: {}", listeners(config.server(), -1, -1), e.toString());
            System.exit(1);
            return;
        }
        log.info(
                "LLM Gateway listening on {} ({} providers, {} models, {} transport{}, max heap {} MiB)"
                        + " - ready in {} ms (+{} ms starting the logs)",
                listeners(config.server(), server.port(), server.tlsPort()),
                config.providers().size(),
                config.models().size(),
                Transport.of(workers).configName(),
                tlsSummary(config.server().tls()),
                Runtime.getRuntime().maxMemory() >> 20,
                TimeUnit.NANOSECONDS.toMillis(ticker.nanoTime() - startNanos - loggingNanos),
                TimeUnit.NANOSECONDS.toMillis(loggingNanos));

        if (config.access().apiKeys().isEmpty()) {
            log.warn("No client keys (gateway.api_keys): anyone who can reach this port can use the configured "
                    + "providers. Set client keys before exposing it beyond this machine.");
        }
        DemoProvider demoToClose = demoProvider;
        Duration grace = config.server().shutdownGracePeriod();
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable shutdown = () -> {
            if (!stopping.compareAndSet(false, true)) {
                return;
            }
            log.info(
                    "shutting down: no new connections, waiting up to {} s for {} running request(s)",
                    grace.toSeconds(),
                    server.gateway().inFlight());
            int left = server.shutdownGracefully(grace);
            if (left > 0) {
                log.warn("grace period over: {} request(s) were cut off", left);
            }
            if (demoToClose != null) {
                demoToClose.close();
            }
            // A quiet period, not 0: io_uring completes a channel's close on its loop after the close future,
            // and a loop that has already ended rejects that last step (Netty logs it with a stack trace).
            workers.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).syncUninterruptibly();
            log.info("stopped");
            LogManager.shutdown();
        };
        // SIGTERM (docker stop, systemd) and Ctrl-C drain gracefully and exit 0; other exits still drain.
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(
                    new Signal(name),
                    signal -> new Thread(
                                    () -> {
                                        int status = 0;
                                        try {
                                            shutdown.run();
                                        } catch (Throwable t) {
                                            // Without this the thread would die and the event loops keep the process
                                            // alive for good.
                                            status = 1;
                                            System.err.println(
                                                    "llm-gateway: the graceful stop failed; exiting anyway: " + t);
                                            t.printStackTrace();
                                        } finally {
                                            System.exit(status);
                                        }
                                    },
                                    "shutdown-" + name)
                            .start());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "shutdown"));
    }

    /**
     * {@code http://HOST:PORT}, {@code https://HOST:PORT} or both joined by "and"; a bound port when given
     * (>= 0), else the configured one.
     */
    static String listeners(ServerSettings settings, int boundPort, int boundTlsPort) {
        StringBuilder out = new StringBuilder();
        if (settings.hasPlainListener()) {
            out.append("http://")
                    .append(settings.host())
                    .append(':')
                    .append(boundPort >= 0 ? boundPort : settings.port());
        }
        TlsSettings tls = settings.tls();
        if (tls != null) {
            out.append(out.length() > 0 ? " and " : "")
                    .append("https://")
                    .append(settings.host())
                    .append(':')
                    .append(boundTlsPort >= 0 ? boundTlsPort : tls.port());
        }
        return out.toString();
    }

    /** The TLS engine and versions for the start-up line; empty without TLS. */
    private static String tlsSummary(TlsSettings tls) {
        return tls == null
                ? ""
                : ", TLS engine " + TlsEngine.describe(TlsEngine.provider()) + " for "
                        + String.join(" and ", tls.protocols());
    }

    /** The command line: {@code [--config PATH] [--port N] [--help]}. */
    record CommandLine(Path configPath, boolean configGiven, Integer port, boolean help) {
        static final String USAGE = "usage: java -jar llm-gateway.jar [--config PATH] [--port N]\n"
                + "  --config PATH  configuration file (default: ./config.yaml; when absent, a demo provider is used)\n"
                + "  --port N       port of the plain HTTP listener (default: server.port from the config, else 8100;"
                + " 0 = any free port)";

        static CommandLine parse(String[] args) {
            Path config = Path.of(DEFAULT_CONFIG);
            boolean configGiven = false;
            Integer port = null;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--config":
                    case "-c":
                        config = Path.of(value(args, ++i, arg));
                        configGiven = true;
                        break;
                    case "--port":
                    case "-p":
                        String v = value(args, ++i, arg);
                        try {
                            port = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            port = -1;
                        }
                        if (port < 0 || port > 65535) {
                            throw new IllegalArgumentException(
                                    "--port: expected a port number 0-65535, got \"" + v + '"');
                        }
                        break;
                    case "--help":
                    case "-h":
                        return new CommandLine(config, configGiven, port, true);
                    default:
                        if (arg.startsWith("--config=")) {
                            config = Path.of(arg.substring("--config=".length()));
                            configGiven = true;
                        } else if (arg.startsWith("--port=")) {
                            return parse(replace(args, i, "--port", arg.substring("--port=".length())));
                        } else {
                            throw new IllegalArgumentException("unknown argument \"" + arg + '"');
                        }
                }
            }
            return new CommandLine(config, configGiven, port, false);
        }

        private static String[] replace(String[] args, int i, String flag, String value) {
            String[] out = new String[args.length + 1];
            System.arraycopy(args, 0, out, 0, i);
            out[i] = flag;
            out[i + 1] = value;
            System.arraycopy(args, i + 1, out, i + 2, args.length - i - 1);
            return out;
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + ": missing value");
            }
            return args[i];
        }
    }
}
