package io.llmgateway.openai;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.concurrent.CompletableFuture;

/**
 * The tokenizer vocabularies, loaded in the background from the moment {@link #startLoading()} is called.
 * Parsing o200k_base and cl100k_base (5 MB of ranks) is about half of the gateway's start-up; on their
 * own threads, in parallel, they load while the config is read and the server is set up. The first
 * {@link TokenEstimator} waits for them (at start-up, before the port opens), so an event loop never does.
 * A class of its own so that starting the load does not also wait for it.
 */
public final class Vocabularies {
    static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    private static final CompletableFuture<Encoding> O200K = load(EncodingType.O200K_BASE);
    private static final CompletableFuture<Encoding> CL100K = load(EncodingType.CL100K_BASE);

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

    private static CompletableFuture<Encoding> load(EncodingType type) {
        CompletableFuture<Encoding> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(REGISTRY.getEncoding(type));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "load-" + type.getName());
        t.setDaemon(true);
        t.start();
        return f;
    }
}
