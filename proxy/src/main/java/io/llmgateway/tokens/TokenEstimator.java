package io.llmgateway.tokens;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.knuddels.jtokkit.api.EncodingRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Estimates the tokens a request will be charged for, before it is sent.
 *
 * <p>Design notes:
 * <ul>
 * <li>Estimate = 3 reply-priming tokens (when there are messages) + {@value #TOKENS_PER_MESSAGE} per
 *     message/input item + the text tokens + {@value #TOKENS_PER_IMAGE} per image part + pre-tokenized
 *     input + {@code max_tokens} when set. The framing numbers are OpenAI's cookbook ("How to count
 *     tokens with tiktoken": 3 per message plus 1 for the role/name, 3 to prime the reply).</li>
 * <li>An image costs {@value #TOKENS_PER_IMAGE}: OpenAI's price of a high-detail 1024x1024 image on
 *     gpt-4o (85 base + 4 tiles x 170). We never see the pixels, so we charge a typical large image
 *     instead of counting base64 bytes (which would be 100x too high).</li>
 * <li>Tool definitions are counted as their JSON text; OpenAI renders them more compactly, so this
 *     errs on the high side, which is the safe side for a rate limiter.</li>
 * <li>Strings of {@value #MIN_CACHED_CHARS} chars or more (system prompts, and the conversation history
 *     that a chat client resends with every turn) are cached by content in a Caffeine cache bounded by
 *     total chars plus {@value #ENTRY_OVERHEAD_CHARS} per entry (so many short entries stay as bounded
 *     as a few long ones). Hashing and looking a string up costs a small fraction of counting it with
 *     {@link BpeTokenizer} (let alone jtokkit's regex split), so even a 32-char message is cheaper to find
 *     than to count; ASCII text in o200k_base, which {@link AsciiTokenCounter} counts almost as fast as
 *     a lookup, is cached only from {@value #MIN_CACHED_ASCII_CHARS} chars. We read with getIfPresent and put after
 *     computing, never
 *     {@code get(key, loader)}: a loader runs under a map lock, and an event loop must not wait for
 *     another thread's long count. A rare double count is harmless.</li>
 * <li>Counting is linear in the text; past {@code inlineThresholdChars} of uncached text the work
 *     moves to the given executor. If it is saturated we fall back to chars/3 rather than queue
 *     without bound or block.</li>
 * </ul>
 */
public final class TokenEstimator {
    static final int TOKENS_PER_MESSAGE = 4;
    static final int REPLY_PRIMING_TOKENS = 3;
    static final int TOKENS_PER_IMAGE = 765;
    static final int DEFAULT_INLINE_THRESHOLD_CHARS = 32 * 1024;
    static final long DEFAULT_CACHE_MAX_CHARS = 8L * 1024 * 1024;
    /** Shorter strings are not worth a cache entry. */
    static final int MIN_CACHED_CHARS = 32;
    /**
     * Shorter ASCII text in o200k_base is not cached: {@link AsciiTokenCounter} counts it for less than a
     * cache lookup and insert cost.
     */
    static final int MIN_CACHED_ASCII_CHARS = 256;
    /** A cache entry's own memory (node, key, boxed count, string header), weighed as chars. */
    static final int ENTRY_OVERHEAD_CHARS = 128;

    private static final EncodingRegistry REGISTRY = Vocabularies.REGISTRY;
    // Loaded when the first estimator is built (at startup), never lazily on an event loop; Main starts
    // the load early (Vocabularies.startLoading) so that it overlaps the rest of the start-up.
    private static final TokenCounter O200K = Vocabularies.o200k();
    private static final TokenCounter CL100K = Vocabularies.cl100k();
    /** The rarer encodings a config may name, from jtokkit's registry, wrapped once. */
    private static final Map<String, TokenCounter> OTHERS = new ConcurrentHashMap<>();
    /** o200k_base counts of ASCII text, exact and faster still. */
    private static final CompletableFuture<AsciiTokenCounter> O200K_ASCII = Vocabularies.o200kAscii();

    private final Executor executor;
    private final int inlineThresholdChars;
    private final Cache<Key, Integer> cache;

    /** Uses the default inline threshold (32 Ki chars) and cache bound (8 Mi chars). */
    public TokenEstimator(Executor executor) {
        this(executor, DEFAULT_CACHE_MAX_CHARS, DEFAULT_INLINE_THRESHOLD_CHARS);
    }

    public TokenEstimator(Executor executor, long cacheMaxChars, int inlineThresholdChars) {
        this.executor = requireNonNull(executor, "executor");
        if (cacheMaxChars < 0) {
            throw new IllegalArgumentException("cacheMaxChars: " + cacheMaxChars + " (expected: >= 0)");
        }
        if (inlineThresholdChars < 0) {
            throw new IllegalArgumentException("inlineThresholdChars: " + inlineThresholdChars + " (expected: >= 0)");
        }
        this.inlineThresholdChars = inlineThresholdChars;
        cache = Caffeine.newBuilder()
                .maximumWeight(cacheMaxChars)
                .weigher((Key k, Integer v) -> k.text.length() + ENTRY_OVERHEAD_CHARS)
                .executor(Runnable::run) // eviction work is O(1); keep it off the shared common pool
                .build();
    }

    /**
     * A small bounded pool of daemon threads for large counts.
     *
     * @param threads worker threads
     * @param queueCapacity waiting tasks beyond which estimates fall back to a chars/3 approximation
     */
    public static ExecutorService newExecutor(int threads, int queueCapacity) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: >= 1)");
        }
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(
                threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity), r -> {
                    Thread t = new Thread(r, "token-estimator-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Estimates the tokens of {@code info}. Small requests complete before this returns; larger ones
     * complete on the estimator executor, so callers on an event loop must hop back to it
     * (e.g. {@code thenAcceptAsync(fn, channel.eventLoop())} or check {@code inEventLoop()}).
     *
     * @param encodingOrNull a configured encoding name (e.g. {@code o200k_base}), or null to pick by model
     * @param model the model name the provider will see, used when no encoding is configured
     */
    public CompletionStage<Long> estimate(TokenInputs info, String encodingOrNull, String model) {
        requireNonNull(info, "info");
        TokenCounter enc = resolve(encodingOrNull, model);
        long uncached = info.textChars();
        if (uncached >= inlineThresholdChars) { // only then can the cache change where the count runs
            uncached = 0;
            for (String s : info.texts()) {
                if (s.length() < MIN_CACHED_CHARS || cache.getIfPresent(new Key(enc.name(), s)) == null) {
                    uncached += s.length();
                }
            }
        }
        if (uncached < inlineThresholdChars) {
            return CompletableFuture.completedFuture(count(info, enc));
        }
        CompletableFuture<Long> f = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    f.complete(count(info, enc));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            f.complete(approximate(info));
        }
        return f;
    }

    /** Tokens of a completion delta (or any text) in the named encoding; null means cl100k_base. */
    public long countText(String text, String encoding) {
        requireNonNull(text, "text");
        if (text.isEmpty()) {
            return 0;
        }
        return countOrdinary(encoding(encoding, CL100K), text);
    }

    /** The encoding name used for {@code model} when {@code encodingOrNull} is null or unknown. */
    public static String encodingFor(String encodingOrNull, String model) {
        return resolve(encodingOrNull, model).name();
    }

    /**
     * Loads an encoding a config names (r50k_base, p50k_base and p50k_edit load from jtokkit's registry when
     * first used, a fraction of a second) now, on the thread applying the config, so that no request waits
     * for it on an event loop. Unknown names are left to {@link #encodingFor}'s fallback.
     */
    public static void preload(String encoding) {
        encoding(encoding, null);
    }

    /** Only for tests: whether a rarer encoding is loaded. */
    static boolean isLoaded(String encoding) {
        return OTHERS.containsKey(encoding);
    }

    /** For config validation: whether jtokkit knows this encoding name. */
    public static boolean isKnownEncoding(String name) {
        return name != null && REGISTRY.getEncoding(name).isPresent();
    }

    private long count(TokenInputs info, TokenCounter enc) {
        long n = messageOverhead(info);
        for (String s : info.texts()) {
            n += countCached(s, enc);
        }
        return n;
    }

    private static long messageOverhead(TokenInputs info) {
        long n = (long) TOKENS_PER_MESSAGE * info.messageCount()
                + (long) TOKENS_PER_IMAGE * info.imageParts()
                + info.extraTokens();
        if (info.messageCount() > 0) {
            n += REPLY_PRIMING_TOKENS;
        }
        if (info.maxTokens() > 0) {
            n += info.maxTokens();
        }
        return n;
    }

    private static long approximate(TokenInputs info) {
        return messageOverhead(info) + (info.textChars() + 2) / 3;
    }

    private long countCached(String s, TokenCounter enc) {
        if (s.length() < MIN_CACHED_CHARS) {
            return countOrdinary(enc, s);
        }
        if (s.length() < MIN_CACHED_ASCII_CHARS && enc == O200K) {
            AsciiTokenCounter fast = O200K_ASCII.getNow(null);
            int n = fast == null ? -1 : fast.countIfAscii(s);
            if (n >= 0) {
                return n;
            }
        }
        Key key = new Key(enc.name(), s);
        Integer cached = cache.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        int n = countOrdinary(enc, s);
        cache.put(key, n);
        return n;
    }

    private static int countOrdinary(TokenCounter enc, String text) {
        AsciiTokenCounter fast = enc == O200K ? O200K_ASCII.getNow(null) : null;
        return fast != null ? fast.count(text) : enc.count(text);
    }

    /** Only for tests: whether this text is cached for this encoding. */
    boolean isCached(String text, String encoding) {
        return cache.getIfPresent(new Key(encoding, text)) != null;
    }

    private static TokenCounter resolve(String encodingOrNull, String model) {
        if (encodingOrNull != null) {
            TokenCounter e = encoding(encodingOrNull, null);
            if (e != null) {
                return e;
            }
        }
        return usesO200k(model) ? O200K : CL100K;
    }

    private static TokenCounter encoding(String name, TokenCounter fallback) {
        if (name == null) {
            return fallback;
        }
        switch (name) {
            case "o200k_base":
                return O200K;
            case "cl100k_base":
                return CL100K;
            default:
                TokenCounter other = OTHERS.computeIfAbsent(
                        name,
                        n -> REGISTRY.getEncoding(n).map(JtokkitCounter::new).orElse(null)); // null: not stored
                return other != null ? other : fallback;
        }
    }

    static boolean usesO200k(String model) {
        if (model == null) {
            return false;
        }
        String m = model.toLowerCase(Locale.ROOT);
        m = m.substring(m.lastIndexOf('/') + 1); // "openai/gpt-4o" on aggregators
        if (m.startsWith("ft:")) {
            m = m.substring(3);
        }
        return m.startsWith("gpt-4o")
                || m.startsWith("chatgpt-4o")
                || m.startsWith("gpt-4.1")
                || m.startsWith("gpt-4.5")
                || m.startsWith("gpt-5")
                || m.startsWith("gpt-oss")
                || m.startsWith("o1")
                || m.startsWith("o3")
                || m.startsWith("o4");
    }

    private record Key(String encoding, String text) {}
}
