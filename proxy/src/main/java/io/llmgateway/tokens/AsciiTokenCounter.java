package io.llmgateway.tokens;

/**
 * Counts o200k_base tokens of pure-ASCII text, with exactly tiktoken's (and jtokkit's) result, faster than
 * the {@link BpeTokenizer} and several times faster than jtokkit, whose regex split would make the prompt
 * estimate the largest single cost of a small request.
 *
 * <p>Design notes:
 * <ul>
 * <li>The split is the vocabulary's own ({@link O200kSplitter}). Any non-ASCII char sends the whole text
 *     to the {@link BpeTokenizer} of o200k.</li>
 * <li>A piece that is a token of up to 8 chars is found in a table of its own: 7 bits per char packed
 *     into a long (open addressing, no allocation per lookup); one of 9 to 16 chars in a second table, as
 *     two such longs. Any other piece (a longer token, or several tokens) goes to the {@link BpeTokenizer}
 *     of o200k as bytes, for its table and tiktoken's merge. The second table spares the merge (which
 *     first tries every pair of the piece's bytes) the long words that are one token each (" assistant",
 *     " information"), which short chat requests are full of; on long English prompts, whose long words
 *     are mostly several tokens, it gains little (TokenBenchmark measures both).</li>
 * <li>{@code AsciiTokenCounterTest} compares it with jtokkit on realistic and on random text.</li>
 * </ul>
 * Immutable; safe for any number of threads.
 */
final class AsciiTokenCounter {
    private static final int MAX_PACKED = 8;
    private static final int MAX_PACKED_TWICE = 2 * MAX_PACKED;

    private final BpeTokenizer vocabulary;
    private final BpeTokenizer.Splitter split;
    private final long[] keys;
    private final int mask;
    /** Tokens of 9 to 16 chars: slot i holds the packed first 8 chars at 2i and the packed rest at 2i + 1. */
    private final long[] longKeys;

    private final int longMask;

    private AsciiTokenCounter(BpeTokenizer vocabulary, long[] keys, long[] longKeys) {
        this.vocabulary = vocabulary;
        this.split = vocabulary.splitter();
        this.keys = keys;
        this.mask = keys.length - 1;
        this.longKeys = longKeys;
        this.longMask = longKeys.length / 2 - 1;
    }

    /** The counter over {@code o200k}'s vocabulary (its ASCII tokens of up to 8 chars are packed here). */
    static AsciiTokenCounter of(BpeTokenizer o200k) {
        int[] n = new int[2];
        o200k.forEachToken((bytes, from, to) -> {
            if (to - from <= MAX_PACKED_TWICE && isAscii(bytes, from, to)) {
                n[to - from <= MAX_PACKED ? 0 : 1]++;
            }
        });
        int capacity = Integer.highestOneBit(Math.max(16, n[0] * 2)) << 1;
        long[] keys = new long[capacity];
        int longCapacity = Integer.highestOneBit(Math.max(16, n[1] * 2)) << 1;
        long[] longKeys = new long[2 * longCapacity];
        o200k.forEachToken((bytes, from, to) -> {
            if (to - from <= MAX_PACKED && isAscii(bytes, from, to)) {
                long key = pack(bytes, from, to);
                int i = slot(key, capacity - 1);
                while (keys[i] != 0) {
                    i = (i + 1) & (capacity - 1);
                }
                keys[i] = key;
            } else if (to - from <= MAX_PACKED_TWICE && isAscii(bytes, from, to)) {
                long head = pack(bytes, from, from + MAX_PACKED);
                long tail = pack(bytes, from + MAX_PACKED, to);
                int i = slot(head ^ Long.rotateLeft(tail, 29), longCapacity - 1);
                while (longKeys[2 * i] != 0) {
                    i = (i + 1) & (longCapacity - 1);
                }
                longKeys[2 * i] = head;
                longKeys[2 * i + 1] = tail;
            }
        });
        return new AsciiTokenCounter(o200k, keys, longKeys);
    }

    /** The token count of {@code text}, as the {@link BpeTokenizer} gives it. */
    int count(String text) {
        int n = countIfAscii(text);
        return n >= 0 ? n : vocabulary.count(text);
    }

    /** The token count of {@code text} if it is all ASCII, else -1. */
    int countIfAscii(String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            if (text.charAt(i) >= 0x80) {
                return -1;
            }
        }
        int tokens = 0;
        byte[] scratch = null; // for the pieces that are not one short token
        int i = 0;
        while (i < n) {
            int end = split.pieceEnd(text, i, n);
            int len = end - i;
            if (len == 1
                    || (len <= MAX_PACKED
                            ? isToken(text, i, end)
                            : len <= MAX_PACKED_TWICE && isLongToken(text, i, end))) {
                tokens++;
            } else {
                scratch = BpeTokenizer.scratch(scratch, len);
                tokens += vocabulary.countPiece(text, i, end, scratch);
            }
            i = end;
        }
        return tokens;
    }

    // ---- the packed table of short tokens --------------------------------------------------------------

    private boolean isToken(String s, int from, int to) {
        long key = pack(s, from, to);
        int i = slot(key, mask);
        long k;
        while ((k = keys[i]) != 0) {
            if (k == key) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    private boolean isLongToken(String s, int from, int to) {
        long head = pack(s, from, from + MAX_PACKED);
        long tail = pack(s, from + MAX_PACKED, to);
        int i = slot(head ^ Long.rotateLeft(tail, 29), longMask);
        long k;
        while ((k = longKeys[2 * i]) != 0) {
            if (k == head && longKeys[2 * i + 1] == tail) {
                return true;
            }
            i = (i + 1) & longMask;
        }
        return false;
    }

    /** A leading 1 bit, then 7 bits per char: unique for up to 8 ASCII chars, never 0. */
    private static long pack(CharSequence s, int from, int to) {
        long key = 1;
        for (int i = from; i < to; i++) {
            key = key << 7 | s.charAt(i);
        }
        return key;
    }

    private static long pack(byte[] b, int from, int to) {
        long key = 1;
        for (int i = from; i < to; i++) {
            key = key << 7 | b[i];
        }
        return key;
    }

    private static int slot(long key, int mask) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }

    private static boolean isAscii(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] < 0) {
                return false;
            }
        }
        return true;
    }
}
