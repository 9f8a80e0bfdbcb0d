package io.llmgateway.server;

import static java.util.Objects.requireNonNull;

import io.llmgateway.anthropic.AnthropicClientDialect;
import io.llmgateway.cache.ResponseCache;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.ModelConfig;
import io.llmgateway.config.ProviderConfig;
import io.llmgateway.observe.ObservedGateway;
import io.llmgateway.observe.Observers;
import io.llmgateway.openai.OpenAiClientDialect;
import io.llmgateway.protocol.ClientDialect;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.route.Attempt;
import io.llmgateway.route.Router;
import io.llmgateway.spend.Budgets;
import io.llmgateway.spend.RoutePrices;
import io.llmgateway.spend.SpendLedger;
import io.llmgateway.tls.ServerCertificates;
import io.llmgateway.tokens.TokenEstimator;
import io.llmgateway.trace.Tracing;
import io.llmgateway.upstream.Origin;
import io.llmgateway.upstream.UpstreamClient;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Ticker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The services one request needs, shared by every connection: the current config, the router with its
 * counters, the token estimator and the upstream connection pools. A reload swaps the config and tells
 * the router; requests already running keep the snapshot they started with.
 */
public final class Gateway implements AutoCloseable, ObservedGateway {
    private static final Logger LOG = LogManager.getLogger(Gateway.class);

    private final Router router;
    private final TokenEstimator estimator;
    private final ExecutorService estimatorPool;
    private final UpstreamClient upstream;
    private final EventLoopGroup loops;
    private final Clock clock;
    private final Ticker ticker;
    private final long startSeconds;
    private final Observers observers = new Observers();
    private final LocalEndpoints endpoints = new LocalEndpoints();
    private volatile ManagementAccess managementAccess = ManagementAccess.NONE;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final BodyBudget bodyBudget;
    private volatile boolean draining;
    private final CopyOnWriteArrayList<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    private volatile Snapshot snapshot;
    private volatile ServerCertificates certificates; // null without a TLS listener
    private volatile SpendLedger spendLedger; // null until the spend feature is installed
    private final Budgets budgets;
    private final ResponseCache cache;
    private final Tracing tracing;

    /** @param loops the event loops that serve the gateway's connections */
    public Gateway(GatewayConfig config, Clock clock, EventLoopGroup loops) {
        this(config, clock, Ticker.systemTicker(), loops);
    }

    /**
     * @param clock wall-clock time: windows, cooldowns, day resets, timestamps
     * @param ticker monotonic time: durations and idle times
     * @param loops the event loops that serve the gateway's connections
     */
    public Gateway(GatewayConfig config, Clock clock, Ticker ticker, EventLoopGroup loops) {
        this.clock = requireNonNull(clock, "clock");
        this.ticker = requireNonNull(ticker, "ticker");
        this.startSeconds = clock.instant().getEpochSecond();
        this.loops = requireNonNull(loops, "loops");
        this.router = new Router(config, clock);
        this.budgets = new Budgets(clock);
        budgets.configure(config);
        this.cache = new ResponseCache(config.cache(), clock);
        // Big prompts are counted off the event loops.
        this.estimatorPool =
                TokenEstimator.newExecutor(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), 1024);
        this.estimator = new TokenEstimator(estimatorPool);
        this.upstream = new UpstreamClient(config.upstream(), ticker);
        this.bodyBudget = new BodyBudget(config.server().maxBufferedBodyBytes());
        this.snapshot = new Snapshot(config, clock, ClientKeys.NONE, estimator);
        this.tracing = new Tracing(config.tracing(), clock, ticker);
    }

    /** Applies a new, already validated config; in-flight requests finish with the old one. */
    public void reconfigure(GatewayConfig config) {
        router.reconfigure(config);
        budgets.configure(config);
        cache.configure(config);
        tracing.configure(config.tracing());
        snapshot = new Snapshot(config, clock, snapshot.clientKeys, estimator);
    }

    @Override
    public GatewayConfig config() {
        return snapshot.config;
    }

    @Override
    public Router router() {
        return router;
    }

    /** Where finished requests are reported (interaction log, metrics, admin tail). */
    @Override
    public Observers observers() {
        return observers;
    }

    /** The spans of proxied requests, as {@code tracing} configures them. */
    public Tracing tracing() {
        return tracing;
    }

    /** The gateway's own paths (admin, metrics), served before anything is proxied. */
    public LocalEndpoints endpoints() {
        return endpoints;
    }

    /** Who may use the management paths. */
    public ManagementAccess managementAccess() {
        return managementAccess;
    }

    /** Sets who may use the management paths: the admin feature does, before the gateway accepts connections. */
    public void setManagementAccess(ManagementAccess access) {
        managementAccess = requireNonNull(access, "access");
    }

    public UpstreamClient upstream() {
        return upstream;
    }

    @Override
    public int openUpstreamConnections() {
        return upstream.openConnections();
    }

    /** The event loops of the gateway's connections; calls of its own to providers run there too. */
    public EventLoopGroup loops() {
        return loops;
    }

    // ---- load shedding and shutdown --------------------------------------------------------------------

    /** Counts a request as in flight unless the gateway is at {@code server.max_in_flight}. */
    boolean tryEnter() {
        int max = config().server().maxInFlight();
        int now;
        do {
            now = inFlight.get();
            if (now >= max) {
                return false;
            }
        } while (!inFlight.compareAndSet(now, now + 1));
        return true;
    }

    void exit() {
        inFlight.decrementAndGet();
    }

    /** Requests being proxied right now. */
    @Override
    public int inFlight() {
        return inFlight.get();
    }

    /** After this, every response asks its client to close the connection. */
    void startDraining() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    void trackConnection(Channel ch) {
        connections.add(ch);
    }

    ChannelGroup connections() {
        return connections;
    }

    BodyBudget bodyBudget() {
        return bodyBudget;
    }

    /** Wall-clock time of everything the gateway decides by the time of day or the date. */
    public Clock clock() {
        return clock;
    }

    /** Monotonic time of everything the gateway measures as a duration; moved by hand in tests. */
    public Ticker ticker() {
        return ticker;
    }

    /** When the gateway started, in seconds since the epoch on its clock. */
    long startSeconds() {
        return startSeconds;
    }

    /**
     * The wire format of the clients of {@code path} (with or without its query): Anthropic's for
     * {@code /v1/messages} and its {@code count_tokens}, OpenAI's for every other path.
     */
    ClientDialect clientDialect(String path) {
        return clientDialectOf(path);
    }

    /** {@link #clientDialect}, for the parts of an exchange that have no gateway at hand. */
    static ClientDialect clientDialectOf(String path) {
        int q = path.indexOf('?');
        AnthropicClientDialect anthropic = AnthropicClientDialect.forPath(q < 0 ? path : path.substring(0, q));
        return anthropic != null ? anthropic : OpenAiClientDialect.INSTANCE;
    }

    TokenEstimator estimator() {
        return estimator;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    /** Where answered requests' spend is recorded; set once, before the gateway accepts connections. */
    public void setSpendLedger(SpendLedger ledger) {
        this.spendLedger = requireNonNull(ledger, "ledger");
    }

    /** The spend ledger, or null when spend is not recorded (a gateway started without its features). */
    public SpendLedger spendLedger() {
        return spendLedger;
    }

    /** The response cache of the models that turn it on, kept across reloads. */
    @Override
    public ResponseCache cache() {
        return cache;
    }

    /** The budgets of client keys and providers, kept across reloads by name. */
    public Budgets budgets() {
        return budgets;
    }

    /** The TLS listener's certificates: reloaded with the config, stopped at close. */
    void useCertificates(ServerCertificates newCertificates) {
        certificates = requireNonNull(newCertificates, "newCertificates");
        closeOnShutdown(newCertificates);
    }

    /**
     * Reads the TLS listener's certificate and key files again (the admin page's reload); a bad pair keeps
     * the current one.
     *
     * @return what happened, or null when there is no TLS listener
     */
    public ServerCertificates.Outcome reloadCertificates() {
        ServerCertificates c = certificates;
        return c == null ? null : c.reload();
    }

    /** Closes {@code resource} (a feature's threads, files) when the gateway closes, the last added first. */
    @Override
    public void closeOnShutdown(AutoCloseable resource) {
        closeables.add(requireNonNull(resource, "resource"));
    }

    @Override
    public void close() {
        List<AutoCloseable> toClose = new ArrayList<>(closeables);
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", toClose.get(i).getClass().getName(), e.toString());
            }
        }
        tracing.close();
        router.close();
        upstream.close();
        estimatorPool.shutdownNow();
    }

    /** Per-config values derived once instead of on every request. */
    static final class Snapshot {
        final GatewayConfig config;
        final ClientKeys clientKeys;
        private final Map<String, Origin> origins = new HashMap<>();
        private final Map<String, String> authorizations = new HashMap<>();
        private final DialectTable dialects;
        final RoutePrices prices;

        /** @param estimator counts what the dialects' taps estimate */
        Snapshot(GatewayConfig config, Clock clock, ClientKeys previousKeys, TokenEstimator estimator) {
            this.config = config;
            this.clientKeys = ClientKeys.of(config.access(), clock, previousKeys);
            this.dialects = new DialectTable(config, estimator, clock);
            this.prices = RoutePrices.of(config);
            for (ProviderConfig p : config.providers().values()) {
                origins.put(p.name(), Origin.of(p));
                ProviderDialect any = dialects.any(p.name());
                authorizations.put(p.name(), p.apiKey().isEmpty() || any == null ? null : any.keyValue(p.apiKey()));
            }
            for (ModelConfig m : config.models().values()) {
                if (m.encoding() != null) {
                    TokenEstimator.preload(m.encoding());
                }
            }
        }

        /** Where {@code attempt} goes: computed for a provider added since this snapshot was taken. */
        Origin origin(Attempt attempt) {
            Origin o = origins.get(attempt.provider());
            return o != null ? o : Origin.of(attempt.providerConfig());
        }

        /**
         * The wire format of {@code provider} for the clients of {@code client}; null when the gateway cannot
         * serve that pair ({@link DialectTable#missing} says why).
         */
        ProviderDialect dialect(ProviderConfig provider, ClientDialect client) {
            return dialects.dialect(provider, client);
        }

        /** Which providers the requests of {@code client}'s clients may be routed to; null: every provider. */
        Predicate<ProviderConfig> servable(ClientDialect client) {
            return dialects.servable(client);
        }

        /** The value of a provider's key header ({@link ProviderDialect#keyHeader}), or null when it has no key. */
        String authorization(String provider) {
            return authorizations.get(provider);
        }

        /** The configured encoding of a model, or null to derive it from the name. */
        String configuredEncoding(String model) {
            ModelConfig m = config.models().get(model);
            return m == null ? null : m.encoding();
        }
    }
}
