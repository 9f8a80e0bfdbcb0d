package io.llmgateway.openai;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The tokenizer vocabularies, loaded in the background from the moment {@link #startLoading()} is called.
 * Parsing o200k_base and cl100k_base (5 MB of ranks) is about half of the gateway's start-up; on their
 * own threads, in parallel, they load while the config is read and the server is set up. The first
 * {@link TokenEstimator} waits for them (at start-up, before the port opens), so an event loop never does.
 * The fast ASCII counter for o200k ({@link AsciiTokenCounter}) is built from the same file after start-up.
 * A class of its own so that starting the load does not also wait for it.
 */
public final class Vocabularies {
    static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    private static final CompletableFuture<Encoding> O200K = load(EncodingType.O200K_BASE);
    private static final CompletableFuture<Encoding> CL100K = load(EncodingType.CL100K_BASE);
    // Parsed from the same rank file a second after jtokkit's o200k is there: after start-up, not during it
    // (until it is ready, counts come from jtokkit, with the same results).
    private static final CompletableFuture<AsciiTokenCounter> O200K_ASCII = O200K.thenApplyAsync(
            Vocabularies::asciiCounter,
            CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS, r -> start("load-o200k-ascii", r)))
            .exceptionally(e -> null); // jtokkit then counts everything, as before

    private Vocabularies() {
    }

    /** Starts loading (once; later calls do nothing) and returns at once. */
    public static void startLoading() {
        // Class initialisation has started both loads.
    }

    static Encoding o200k() {
        return O200K.join();
    }

    static Encoding cl100k() {
        return CL100K.join();
    }

    /**
     * The fast exact counter for ASCII text in o200k_base; completes with null if jtokkit's rank file was
     * not found.
     */
    static CompletableFuture<AsciiTokenCounter> o200kAscii() {
        return O200K_ASCII;
    }

    private static AsciiTokenCounter asciiCounter(Encoding o200k) {
        InputStream ranks = Encodings.class.getResourceAsStream("/com/knuddels/jtokkit/o200k_base.tiktoken");
        return ranks == null ? null : AsciiTokenCounter.load(ranks, o200k);
    }

    private static void start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static CompletableFuture<Encoding> load(EncodingType type) {
        CompletableFuture<Encoding> f = new CompletableFuture<>();
        start("load-" + type.getName(), () -> {
            try {
                f.complete(REGISTRY.getEncoding(type));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }
}
