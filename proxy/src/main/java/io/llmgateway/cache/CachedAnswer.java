package io.llmgateway.cache;

import io.llmgateway.protocol.Usage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One stored answer: its pre-encoded forms, and what a hit reports (the usage it saves, the provider and
 * model whose price that usage had). Immutable, shared by every hit.
 */
public final class CachedAnswer {
    /** What an entry costs beyond its bytes (the key, this object, the map's node), roughly. */
    private static final int OVERHEAD = 256;

    private final StoredForms forms;
    private final String model;
    private final String provider;
    private final String answerModel;
    private final Usage usage;
    private final long ttlNanos;

    CachedAnswer(StoredForms forms, String model, String provider, String answerModel, Usage usage, long ttlNanos) {
        this.forms = forms;
        this.model = model;
        this.provider = provider;
        this.answerModel = answerModel;
        this.usage = usage;
        this.ttlNanos = ttlNanos;
    }

    /** The model the client asked for. */
    String model() {
        return model;
    }

    /** The provider that answered when the answer was stored. */
    public String provider() {
        return provider;
    }

    /** The model that answered (an alias's model, or auto's choice). */
    public String answerModel() {
        return answerModel;
    }

    /** The usage the provider reported for it: what each hit saves. */
    public Usage usage() {
        return usage;
    }

    long ttlNanos() {
        return ttlNanos;
    }

    /** What the entry weighs against {@code cache.max_size}. */
    int weight() {
        return forms.bytes() + OVERHEAD;
    }

    /** The body's length as a hit writes it. */
    public int length(boolean stream, boolean includeUsage) {
        return stream
                ? forms.stream().length + (includeUsage ? forms.streamUsage().length : 0) + forms.streamEnd().length
                : forms.json().length;
    }

    /**
     * The body a hit writes, in a buffer of {@code alloc} owned by the caller: the JSON answer, or the stream
     * with its usage event when {@code includeUsage}.
     */
    public ByteBuf body(ByteBufAllocator alloc, boolean stream, boolean includeUsage) {
        ByteBuf out = alloc.buffer(length(stream, includeUsage));
        if (!stream) {
            return out.writeBytes(forms.json());
        }
        out.writeBytes(forms.stream());
        if (includeUsage) {
            out.writeBytes(forms.streamUsage());
        }
        return out.writeBytes(forms.streamEnd());
    }
}
