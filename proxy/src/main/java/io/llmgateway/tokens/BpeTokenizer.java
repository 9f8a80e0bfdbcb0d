package io.llmgateway.tokens;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Counts the tokens of a tiktoken byte-pair encoding (o200k_base, cl100k_base) the way tiktoken does,
 * with the vocabulary in a few flat arrays.
 *
 * <p>Why not jtokkit's own encodings: they keep each vocabulary in maps of boxed values (o200k_base: ~1
 * million objects, ~25 MB; cl100k_base half that), which live as long as the gateway. With a small heap
 * ({@code -Xmx256m}) G1 then marks them over and over in concurrent cycles that never free anything, which
 * under load costs several percent of the CPU. Here the same ranks take ~5 MB (o200k) in five arrays, which
 * the collector does not look into.
 *
 * <p>Design notes:
 * <ul>
 * <li>Text is split into pieces where the encoding's pattern (the same as jtokkit's and tiktoken's)
 *     splits it, by a {@link Splitter} written by hand: {@link O200kSplitter}, {@link Cl100kSplitter},
 *     several times faster than the regex; each piece is UTF-8 encoded and merged.</li>
 * <li>Merging is tiktoken's {@code _byte_pair_merge}: repeatedly merge the adjacent pair whose bytes form
 *     the token of lowest rank, leftmost first; the count is the parts left. Short pieces (nearly all) scan
 *     an array for the minimum; long ones (a run of one symbol, base64) use a heap, so a 100 KB piece is
 *     not quadratic. Both give the same merges: a heap ordered by (rank, position) pops what the scan finds.</li>
 * <li>The rank table is open addressing over token indexes; a lookup hashes the candidate bytes and
 *     compares them with the token's bytes in place (no allocation).</li>
 * <li>{@code BpeTokenizerTest} compares it with jtokkit on multilingual, random and adversarial text.</li>
 * </ul>
 * Immutable; safe for any number of threads.
 */
final class BpeTokenizer implements TokenCounter {
    /** Pieces up to this many bytes are merged by scanning; longer ones through a heap. */
    static final int SCAN_MAX = 128;
    /**
     * A piece longer than this (in practice only a run of one letter or symbol sent to abuse the count) is
     * counted in slices of this many chars: the merge needs ~40 bytes of memory per byte of its piece, and
     * a 32 MiB body of one letter must not take a gigabyte. Merges do not cross a slice's end, so such a
     * piece may count a token or two per slice more or less than tiktoken says.
     */
    static final int MAX_PIECE_CHARS = 16 * 1024;

    private static final int NONE = Integer.MAX_VALUE;

    private final String name;
    private final Splitter splitter;
    private final byte[] bytes;
    private final int[] starts;
    private final int[] ranks;
    private final int[] table;
    private final int mask;

    private BpeTokenizer(String name, Splitter splitter, byte[] bytes, int[] starts, int[] ranks, int[] table) {
        this.name = name;
        this.splitter = splitter;
        this.bytes = bytes;
        this.starts = starts;
        this.ranks = ranks;
        this.table = table;
        this.mask = table.length - 1;
    }

    /** Splits text into the pieces that are merged on their own: where the piece that starts at {@code i} ends. */
    interface Splitter {
        int pieceEnd(String s, int i, int n);
    }

    /**
     * Reads a tiktoken rank file ({@code base64 rank} per line).
     *
     * @param splitter the encoding's split ({@link O200kSplitter}, {@link Cl100kSplitter})
     */
    static BpeTokenizer load(String name, Splitter splitter, InputStream tiktoken) {
        byte[] bytes = new byte[1 << 20];
        int[] starts = new int[1 << 16];
        int[] ranks = new int[1 << 16];
        int n = 0;
        int used = 0;
        Base64.Decoder b64 = Base64.getDecoder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(tiktoken, UTF_8), 1 << 16)) {
            String line;
            while ((line = r.readLine()) != null) {
                int sp = line.indexOf(' ');
                if (sp <= 0) {
                    continue;
                }
                byte[] token = b64.decode(line.substring(0, sp));
                if (n + 1 >= starts.length) {
                    starts = Arrays.copyOf(starts, starts.length * 2);
                    ranks = Arrays.copyOf(ranks, ranks.length * 2);
                }
                if (used + token.length > bytes.length) {
                    bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, used + token.length));
                }
                System.arraycopy(token, 0, bytes, used, token.length);
                starts[n] = used;
                ranks[n] = Integer.parseInt(line, sp + 1, line.length(), 10);
                used += token.length;
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (n == 0) {
            throw new IllegalArgumentException(name + ": the rank file has no tokens");
        }
        starts[n] = used;
        int[] table = new int[Integer.highestOneBit(n) << 2]; // load factor 1/4 to 1/2
        int mask = table.length - 1;
        for (int t = 0; t < n; t++) {
            int i = hash(bytes, starts[t], starts[t + 1]) & mask;
            while (table[i] != 0) {
                i = (i + 1) & mask;
            }
            table[i] = t + 1;
        }
        return new BpeTokenizer(
                name,
                splitter,
                Arrays.copyOf(bytes, used),
                Arrays.copyOf(starts, n + 1),
                Arrays.copyOf(ranks, n),
                table);
    }

    Splitter splitter() {
        return splitter;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int count(String text) {
        byte[] scratch = null;
        int tokens = 0;
        int n = text.length();
        for (int i = 0; i < n; ) {
            int end = splitter.pieceEnd(text, i, n);
            scratch = scratch(scratch, end - i);
            tokens += countPiece(text, i, end, scratch);
            i = end;
        }
        return tokens;
    }

    /** {@code current} if it is large enough for {@link #countPiece} of {@code chars} chars, else a new one. */
    static byte[] scratch(byte[] current, int chars) {
        // UTF-8: at most 3 bytes per char (4 per surrogate pair)
        int need = 3 * Math.min(chars, MAX_PIECE_CHARS);
        return current != null && current.length >= need ? current : new byte[Math.max(64, need)];
    }

    /**
     * The tokens of {@code text[from, to)}, one piece of the split (in slices past {@link #MAX_PIECE_CHARS}).
     *
     * @param scratch from {@link #scratch} for this many chars
     */
    int countPiece(String text, int from, int to, byte[] scratch) {
        int tokens = 0;
        for (int at = from; at < to; ) {
            int end = Math.min(to, at + MAX_PIECE_CHARS);
            if (end < to && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--; // a surrogate pair stays in one slice
            }
            tokens += countBytes(scratch, utf8(text, at, end, scratch));
            at = end;
        }
        return tokens;
    }

    /**
     * Encodes {@code s[from, to)} into {@code out}, as {@link String#getBytes} with UTF-8 does (a lone
     * surrogate becomes '?'), without a substring and an array per piece.
     *
     * @return the number of bytes written
     */
    static int utf8(String s, int from, int to, byte[] out) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[n++] = (byte) c;
            } else if (c < 0x800) {
                out[n++] = (byte) (0xC0 | c >> 6);
                out[n++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    out[n++] = (byte) (0xF0 | cp >> 18);
                    out[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    out[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    out[n++] = (byte) (0x80 | cp & 0x3F);
                } else {
                    out[n++] = '?';
                }
            } else {
                out[n++] = (byte) (0xE0 | c >> 12);
                out[n++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[n++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return n;
    }

    /** The tokens of one piece (or slice) of the split, UTF-8 encoded: {@code piece[0, len)}. */
    int countBytes(byte[] piece, int len) {
        if (len <= 1) {
            return len; // every single byte is a token
        }
        if (rank(piece, 0, len) != NONE) {
            return 1;
        }
        return len <= SCAN_MAX ? mergeByScan(piece, len) : mergeByHeap(piece, len);
    }

    /** tiktoken's merge as written: scan for the lowest-ranked pair, merge it, repeat. */
    private int mergeByScan(byte[] piece, int len) {
        // at[p]: where part p begins; pairRanks[p]: rank of part p merged with part p + 1.
        int[] at = new int[len + 1];
        int[] pairRanks = new int[len];
        for (int p = 0; p <= len; p++) {
            at[p] = p;
        }
        for (int p = 0; p < len - 1; p++) {
            pairRanks[p] = rank(piece, p, p + 2);
        }
        pairRanks[len - 1] = NONE;
        int parts = len;
        for (; ; ) {
            int min = NONE;
            int best = -1;
            for (int p = 0; p < parts - 1; p++) {
                if (pairRanks[p] < min) {
                    min = pairRanks[p];
                    best = p;
                }
            }
            if (best < 0) {
                return parts;
            }
            System.arraycopy(at, best + 2, at, best + 1, parts - best - 1);
            System.arraycopy(pairRanks, best + 2, pairRanks, best + 1, parts - best - 2);
            parts--;
            pairRanks[best] = best + 1 < parts ? rank(piece, at[best], at[best + 2]) : NONE;
            if (best > 0) {
                pairRanks[best - 1] = rank(piece, at[best - 1], at[best + 1]);
            }
        }
    }

    /**
     * The same merge for long pieces: parts in a linked list, candidate pairs in a min-heap of
     * (rank, start) packed into longs. A popped pair is used only if it is still current: its part is alive
     * and still has that pair rank (a part's pair only ever grows, so an old rank cannot come back).
     */
    private int mergeByHeap(byte[] piece, int len) {
        int[] next = new int[len + 1]; // next[p]: start of the part after the part starting at p (len at the end)
        int[] prev = new int[len + 1];
        int[] pairRank = new int[len];
        boolean[] dead = new boolean[len];
        long[] heap = new long[3 * len]; // len - 1 first pairs, then at most 2 per merge
        int size = 0;
        for (int p = 0; p < len; p++) {
            next[p] = p + 1;
            prev[p] = p - 1;
        }
        for (int p = 0; p < len - 1; p++) {
            pairRank[p] = rank(piece, p, p + 2);
            if (pairRank[p] != NONE) {
                size = push(heap, size, key(pairRank[p], p));
            }
        }
        pairRank[len - 1] = NONE;
        int parts = len;
        while (size > 0) {
            long top = heap[0];
            size = pop(heap, size);
            int p = (int) top;
            int r = (int) (top >>> 32);
            if (dead[p] || pairRank[p] != r) {
                continue;
            }
            int q = next[p]; // merge part q into part p
            dead[q] = true;
            next[p] = next[q];
            if (next[p] < len) {
                prev[next[p]] = p;
            }
            parts--;
            size = rescore(piece, p, next, pairRank, heap, size, len);
            if (prev[p] >= 0) {
                size = rescore(piece, prev[p], next, pairRank, heap, size, len);
            }
        }
        return parts;
    }

    private int rescore(byte[] piece, int p, int[] next, int[] pairRank, long[] heap, int size, int len) {
        int q = next[p];
        pairRank[p] = q < len ? rank(piece, p, next[q]) : NONE;
        return pairRank[p] == NONE ? size : push(heap, size, key(pairRank[p], p));
    }

    private static long key(int rank, int position) {
        return (long) rank << 32 | position;
    }

    /** Adds to a binary min-heap (stale entries stay until popped; the heap is sized for all pushes). */
    private static int push(long[] heap, int size, long v) {
        int i = size;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= v) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = v;
        return size + 1;
    }

    private static int pop(long[] heap, int size) {
        long last = heap[--size];
        int i = 0;
        for (; ; ) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= last) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (size > 0) {
            heap[i] = last;
        }
        return size;
    }

    /** Something done with each token's bytes, {@code bytes[from, to)} (not to be changed). */
    interface TokenVisitor {
        void token(byte[] bytes, int from, int to);
    }

    /** Visits every token of the vocabulary, in rank file order. */
    void forEachToken(TokenVisitor visitor) {
        for (int t = 0; t < ranks.length; t++) {
            visitor.token(bytes, starts[t], starts[t + 1]);
        }
    }

    /** The rank of the token {@code piece[from, to)}, or {@link #NONE}. */
    int rank(byte[] piece, int from, int to) {
        int i = hash(piece, from, to) & mask;
        int t;
        while ((t = table[i]) != 0) {
            int s = starts[t - 1];
            if (starts[t] - s == to - from && Arrays.equals(bytes, s, starts[t], piece, from, to)) {
                return ranks[t - 1];
            }
            i = (i + 1) & mask;
        }
        return NONE;
    }

    /** A polynomial hash, then MurmurHash3's finalizer: the table is indexed by the low bits. */
    private static int hash(byte[] b, int from, int to) {
        int h = to - from;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ h >>> 16;
    }
}
