package io.llmgateway.tls;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/*
 * Design notes
 * - Each new connection takes the context current at its accept (one volatile read); an open connection
 *   keeps the engine it was made with, so swapping the context (a volatile write) drops nothing.
 * - The files are watched by their modification time and size from a thread of their own, never an event
 *   loop (file reads and key parsing block). A change that does not load is reported once and remembered,
 *   so a broken file is not re-reported every poll; the next change of either file tries again.
 * - A replacement must pass what start-up checks, and more: it must be valid now (not expired), since it
 *   would replace one that presumably is.
 * - ALPN offers h2 before http/1.1 when HTTP/2 is on (a client that offers both gets h2), http/1.1 alone when
 *   it is off; the listener's pipeline picks the codec from the negotiated protocol. A client that offers
 *   no ALPN at all gets HTTP/1.1.
 */
/** The TLS listener's certificate and key, re-read when their files change. */
public final class ServerCertificates implements AutoCloseable {
    /** The certificate file's config field. */
    public static final String CERT_FIELD = "server.tls.cert_file";
    /** The key file's config field. */
    public static final String KEY_FIELD = "server.tls.key_file";

    private static final Logger LOG = LogManager.getLogger(ServerCertificates.class);
    private static final ApplicationProtocolConfig ALPN_HTTP_1_1 = alpn(ApplicationProtocolNames.HTTP_1_1);
    private static final ApplicationProtocolConfig ALPN_H2 =
            alpn(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    private final String certFile;
    private final String keyFile;
    private final List<String> protocols;
    private final SslProvider provider;
    private final ApplicationProtocolConfig alpn;
    private final Clock clock;
    private volatile SslContext current;
    private final Object lock = new Object();
    private Stamp stamp; // guarded by lock
    private @Nullable ScheduledExecutorService poller; // guarded by lock

    /** What a reload did: whether the certificate in use changed, and the problem that kept it, if any. */
    public record Outcome(boolean replaced, @Nullable String problem) {
        static final Outcome UNCHANGED = new Outcome(false, null);
    }

    private ServerCertificates(
            String certFile,
            String keyFile,
            List<String> protocols,
            SslProvider provider,
            ApplicationProtocolConfig alpn,
            Clock clock,
            SslContext first,
            Stamp stamp) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.protocols = protocols;
        this.provider = provider;
        this.alpn = alpn;
        this.clock = clock;
        this.current = first;
        this.stamp = stamp;
    }

    /**
     * Reads the files and builds the first context, offering HTTP/1.1 only.
     *
     * @throws IllegalStateException naming the field when a file cannot be used
     */
    public static ServerCertificates load(
            String certFile, String keyFile, List<String> protocols, SslProvider provider, Clock clock) {
        return load(certFile, keyFile, protocols, provider, false, clock);
    }

    /**
     * Reads the files and builds the first context.
     *
     * @param http2 whether ALPN offers h2 (before http/1.1)
     * @throws IllegalStateException naming the field when a file cannot be used
     */
    public static ServerCertificates load(
            String certFile, String keyFile, List<String> protocols, SslProvider provider, boolean http2, Clock clock) {
        requireNonNull(certFile, "certFile");
        requireNonNull(keyFile, "keyFile");
        requireNonNull(provider, "provider");
        requireNonNull(clock, "clock");
        List<String> versions = List.copyOf(protocols);
        Stamp stamp = Stamp.of(certFile, keyFile);
        try {
            KeyMaterial material = read(certFile, keyFile);
            String validity = material.validityProblem(clock.instant(), certFile);
            if (validity != null) {
                LOG.warn("{}: {}; clients will refuse it", CERT_FIELD, validity);
            }
            ApplicationProtocolConfig alpn = http2 ? ALPN_H2 : ALPN_HTTP_1_1;
            SslContext first = build(material, provider, versions, alpn);
            return new ServerCertificates(certFile, keyFile, versions, provider, alpn, clock, first, stamp);
        } catch (Failure e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The context for a new connection. */
    public SslContext current() {
        return current;
    }

    /** The engine the contexts are made for. */
    public SslProvider provider() {
        return provider;
    }

    /** Polls the files every {@code interval} on a daemon thread of its own until {@link #close()}. */
    public void startPolling(Duration interval) {
        synchronized (lock) {
            if (poller != null) {
                return;
            }
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tls-certificates");
                t.setDaemon(true);
                return t;
            });
            long millis = interval.toMillis();
            poller.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** One poll; an unexpected failure is logged, as it would otherwise end the polling silently. */
    private void poll() {
        try {
            reloadIfChanged();
        } catch (RuntimeException e) {
            LOG.warn("TLS certificate {}: checking for a change failed: {}", certFile, e.toString());
        }
    }

    /** Loads the files again if their time or size changed since the last look; what the poller runs. */
    public Outcome reloadIfChanged() {
        synchronized (lock) {
            Stamp now = Stamp.of(certFile, keyFile);
            if (now.equals(stamp)) {
                return Outcome.UNCHANGED;
            }
            stamp = now;
            return replace("changed on disk");
        }
    }

    /** Loads the files again whether or not they changed (the admin page's reload). */
    public Outcome reload() {
        synchronized (lock) {
            stamp = Stamp.of(certFile, keyFile);
            return replace("reload");
        }
    }

    private Outcome replace(String why) {
        try {
            KeyMaterial material = read(certFile, keyFile);
            String validity = material.validityProblem(clock.instant(), certFile);
            if (validity != null) {
                throw new Failure(CERT_FIELD + ": " + validity);
            }
            current = build(material, provider, protocols, alpn);
            LOG.info(
                    "{} ({}): now serving the certificate for {}, valid until {}",
                    CERT_FIELD,
                    why,
                    material.leaf().getSubjectX500Principal().getName(),
                    material.leaf().getNotAfter().toInstant());
            return new Outcome(true, null);
        } catch (Failure e) {
            LOG.warn("TLS certificate {} ({}) not used, the current one stays: {}", certFile, why, e.getMessage());
            return new Outcome(false, e.getMessage());
        }
    }

    private static KeyMaterial read(String certFile, String keyFile) throws Failure {
        try {
            return KeyMaterial.read(certFile, certFile, keyFile, keyFile);
        } catch (KeyMaterial.Problem e) {
            throw new Failure((e.aboutKey() ? KEY_FIELD : CERT_FIELD) + ": " + e.getMessage());
        }
    }

    private static SslContext build(
            KeyMaterial material, SslProvider provider, List<String> protocols, ApplicationProtocolConfig alpn)
            throws Failure {
        try {
            return SslContextBuilder.forServer(material.key(), material.chain())
                    .sslProvider(provider)
                    .protocols(protocols)
                    .applicationProtocolConfig(alpn)
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new Failure(CERT_FIELD + ": the certificate and key do not make a TLS context ("
                    + e.getClass().getSimpleName() + ')');
        }
    }

    private static ApplicationProtocolConfig alpn(String... offered) {
        return new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                offered);
    }

    /** Stops polling. Connections keep their engines. */
    @Override
    public void close() {
        synchronized (lock) {
            if (poller != null) {
                poller.shutdownNow();
            }
        }
    }

    /** Both files' modification time and size; {@code -1} for a file that cannot be looked at (a reload says why). */
    private record Stamp(long certTime, long certSize, long keyTime, long keySize) {
        static Stamp of(String certFile, String keyFile) {
            long[] cert = timeAndSize(certFile);
            long[] key = timeAndSize(keyFile);
            return new Stamp(cert[0], cert[1], key[0], key[1]);
        }

        private static long[] timeAndSize(String file) {
            try {
                BasicFileAttributes a = Files.readAttributes(Path.of(file), BasicFileAttributes.class);
                return new long[] {a.lastModifiedTime().toMillis(), a.size()};
            } catch (IOException | RuntimeException e) {
                return new long[] {-1, -1};
            }
        }
    }

    /** A replacement that cannot be used, with the field and the reason. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }
}
