package io.llmgateway.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The tokenizer vocabularies, loaded in the background from the moment {@link #startLoading()} is called.
 * Parsing o200k_base and cl100k_base (5 MB of ranks, from jtokkit's jar) is a large part of the gateway's
 * start-up; on their own threads, in parallel, they load while the config is read and the server is set
 * up. The first {@link TokenEstimator} waits for them (at start-up, before the port opens), so an event
 * loop never does. Both are {@link BpeTokenizer}s (compact tables), o200k with the fast ASCII counter
 * ({@link AsciiTokenCounter}) built from its tables; the rarer encodings a config may name (r50k_base,
 * p50k_base, p50k_edit) come from jtokkit's registry when first asked for. A class of its own so that
 * starting the load does not also wait for it.
 */
public final class Vocabularies {
    static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    private static final CompletableFuture<BpeTokenizer> O200K =
            load("load-o200k_base", () -> BpeTokenizer.load("o200k_base", new O200kSplitter(), rankFile("o200k_base")));
    private static final CompletableFuture<BpeTokenizer> CL100K = load(
            "load-cl100k_base", () -> BpeTokenizer.load("cl100k_base", new Cl100kSplitter(), rankFile("cl100k_base")));
    // Built from the o200k tables on the thread that loaded them (a few milliseconds; until it is there,
    // counts come from the BpeTokenizer, with the same results).
    private static final CompletableFuture<AsciiTokenCounter> O200K_ASCII =
            O200K.thenApply(AsciiTokenCounter::of).exceptionally(e -> null); // the BpeTokenizer then counts everything

    private Vocabularies() {}

    /** Starts loading (once; later calls do nothing) and returns at once. */
    public static void startLoading() {
        // Class initialisation has started both loads.
    }

    static TokenCounter o200k() {
        return O200K.join();
    }

    static TokenCounter cl100k() {
        return CL100K.join();
    }

    /**
     * The fast exact counter for ASCII text in o200k_base; completes with null if it could not be built.
     */
    static CompletableFuture<AsciiTokenCounter> o200kAscii() {
        return O200K_ASCII;
    }

    /** jtokkit's copy of tiktoken's rank file of this encoding. */
    static InputStream rankFile(String encoding) {
        InputStream in = Encodings.class.getResourceAsStream("/com/knuddels/jtokkit/" + encoding + ".tiktoken");
        if (in == null) {
            throw new UncheckedIOException(new IOException(encoding + ".tiktoken is not on the class path"));
        }
        return in;
    }

    private static void start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static <T> CompletableFuture<T> load(String thread, Supplier<T> loader) {
        CompletableFuture<T> f = new CompletableFuture<>();
        start(thread, () -> {
            try {
                f.complete(loader.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }
}
