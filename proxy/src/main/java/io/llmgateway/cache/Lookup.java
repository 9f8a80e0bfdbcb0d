package io.llmgateway.cache;

import io.llmgateway.protocol.Usage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;

/**
 * One request's use of the cache: its outcome, the stored answer on a hit, and on a miss the capture of the
 * answer to store. The capturing half is confined to the request's event loop.
 */
public final class Lookup {
    private final ResponseCache cache;
    private final ResponseCache.Outcome outcome;
    private final CachedAnswer hit;
    private final CacheKey key; // null when nothing is to be stored
    private final String model;
    private final long ttlNanos;
    private final boolean anthropic;
    private ByteArrayOutputStream captured;
    private boolean abandoned;

    Lookup(
            ResponseCache cache,
            ResponseCache.Outcome outcome,
            CachedAnswer hit,
            CacheKey key,
            String model,
            long ttl,
            boolean anthropic) {
        this.anthropic = anthropic;
        this.cache = cache;
        this.outcome = outcome;
        this.hit = hit;
        this.key = ttl > 0 ? key : null;
        this.model = model;
        this.ttlNanos = ttl;
    }

    public ResponseCache.Outcome outcome() {
        return outcome;
    }

    /** The stored answer; null unless {@link #outcome} is {@code HIT}. */
    public CachedAnswer hit() {
        return hit;
    }

    /** Starts (again: a new attempt's) capture of a 2xx answer, when the answer is to be stored. */
    public void begin() {
        captured = key == null ? null : new ByteArrayOutputStream(4096);
        abandoned = false;
    }

    /** A piece of the answer as the client gets it, neither consumed nor released. */
    public void add(ByteBuf piece) {
        ByteArrayOutputStream c = captured;
        if (c == null || !piece.isReadable()) {
            return;
        }
        if (c.size() + piece.readableBytes() > cache.maxAnswerBytes()) {
            captured = null; // too big to keep: passed on, not stored
            return;
        }
        int n = piece.readableBytes();
        if (piece.hasArray()) {
            c.write(piece.array(), piece.arrayOffset() + piece.readerIndex(), n);
        } else {
            byte[] bytes = new byte[n];
            piece.getBytes(piece.readerIndex(), bytes);
            c.writeBytes(bytes);
        }
    }

    /** The answer broke off or failed: nothing of this attempt is stored. */
    public void abandon() {
        captured = null;
        abandoned = true;
    }

    /**
     * The answer ended whole: stores it when its usage came from the provider and its shape is one the replay
     * reproduces.
     *
     * @param stream whether the answer was a stream of events
     * @param usage the usage the provider reported, or null
     */
    public void finish(boolean stream, Usage usage, String provider, String answerModel) {
        ByteArrayOutputStream c = captured;
        captured = null;
        if (c == null || abandoned || usage == null || usage.estimated()) {
            return;
        }
        byte[] bytes = c.toByteArray();
        StoredForms forms;
        if (stream) {
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            forms = anthropic ? MessageShapes.fromStream(buf) : ChatShapes.fromStream(buf, usage);
        } else {
            forms = anthropic ? MessageShapes.fromJson(bytes) : ChatShapes.fromJson(bytes);
        }
        if (forms != null) {
            cache.store(key, new CachedAnswer(forms, model, provider, answerModel, usage, ttlNanos));
        }
    }
}
