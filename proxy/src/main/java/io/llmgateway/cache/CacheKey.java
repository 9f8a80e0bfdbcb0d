package io.llmgateway.cache;

import java.util.Arrays;

/** A SHA-256 digest of a normalized request, its path, model and scope: what an entry is found by. */
final class CacheKey {
    private final byte[] digest;
    private final int hash;

    CacheKey(byte[] digest) {
        this.digest = digest;
        // The digest is uniformly distributed: its first bytes are as good a hash as any.
        this.hash = (digest[0] & 0xff) << 24 | (digest[1] & 0xff) << 16 | (digest[2] & 0xff) << 8 | digest[3] & 0xff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheKey k && Arrays.equals(digest, k.digest);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
