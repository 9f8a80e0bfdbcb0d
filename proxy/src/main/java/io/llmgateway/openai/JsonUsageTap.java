package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.Usage;
import io.llmgateway.util.ThreadScratch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Finds the top-level {@code usage} object of a non-streaming response while the body passes through,
 * chunk by chunk: a byte scanner that follows only the JSON structure it needs (nesting depth, strings,
 * keys of the root object and of {@code usage}, integer values in {@code usage}) and skips string contents
 * in a tight loop. Nothing is buffered across chunks but a few flags and the key being read. Jackson's
 * non-blocking parser would tokenize the whole answer, and allocate for it, for a few numbers at its end.
 *
 * <p>It is lenient, not a validator: a body that is not a JSON object yields no usage, and so does a
 * {@code usage} that is not an object or never ends; keys spelled with escapes are not recognised; a
 * counter that is not a non-negative integer of at most 18 digits is ignored. Scanning stops at the end
 * of {@code usage} or of the root object. One instance per response, used from one thread.
 */
public final class JsonUsageTap implements AnswerTap {
    private static final byte[] USAGE = {'u', 's', 'a', 'g', 'e'};
    /** The counters {@link UsageBuilder} knows; a key of {@code usage} is compared with these. */
    private static final String[] COUNTERS = {
        "prompt_tokens", "completion_tokens", "total_tokens", "input_tokens", "output_tokens"
    };

    private static final byte[][] COUNTER_BYTES = new byte[COUNTERS.length][];
    private static final int MAX_KEY = 32;
    private static final int MAX_DIGITS = 18;
    /** Chunks are copied to a heap array, then scanned: a chunk is done when onChunk returns. */
    private static final ThreadScratch SCRATCH = new ThreadScratch(4096, 64 * 1024);

    static {
        for (int i = 0; i < COUNTERS.length; i++) {
            COUNTER_BYTES[i] = COUNTERS[i].getBytes(US_ASCII);
        }
    }

    private boolean done;
    private int depth;
    private boolean inUsage;
    /** Inside a string; {@link #escaped}: its previous byte was a backslash. */
    private boolean inString;

    private boolean escaped;
    /** The next string opens a key of the root object or of {@code usage} (after '{' or ','). */
    private boolean expectKey;
    /** The string being read is such a key, copied to {@link #key} (up to {@value #MAX_KEY} bytes). */
    private boolean readingKey;

    private final byte[] key = new byte[MAX_KEY];
    private int keyLength;
    /** The last key of the root object was {@code usage}: an object opened next is the one we want. */
    private boolean usageNext;
    /** Index into {@link #COUNTERS} of the last key read in {@code usage}, or -1. */
    private int counter = -1;
    /** 0: not in a counter's number; 1: reading its digits; 2: skipping a number that is not a counter. */
    private int numberState;

    private long number;
    private int digits;
    private final UsageBuilder builder = new UsageBuilder();
    private Usage usage;

    /** Reads {@code chunk}'s readable bytes and returns it as it is; neither consumes nor releases it. Never throws. */
    @Override
    public ByteBuf onChunk(ByteBuf chunk) {
        if (done || chunk == null || !chunk.isReadable()) {
            return chunk;
        }
        int len = chunk.readableBytes();
        try {
            scan(SCRATCH.copy(chunk, chunk.readerIndex(), len), len);
        } catch (RuntimeException e) {
            done = true; // a bug here must not break the response it only watches
        }
        return chunk;
    }

    /** Nothing is held back. */
    @Override
    public ByteBuf onEnd() {
        return Unpooled.EMPTY_BUFFER;
    }

    /** No count of its own: an answer without usage is charged its prompt only. */
    @Override
    public long completionTokensEstimate() {
        return 0;
    }

    /** The body passes unchanged: the caller keeps its raw bytes instead. */
    @Override
    public void captureText(int maxChars) {}

    @Override
    public String capturedText() {
        return null;
    }

    @Override
    public void release() {}

    /** The response's usage, or {@code null} if none was found (yet). */
    @Override
    public Usage usage() {
        return usage;
    }

    private void scan(byte[] b, int len) {
        int i = 0;
        while (i < len && !done) {
            if (inString) {
                i = string(b, i, len);
                continue;
            }
            byte c = b[i++];
            if (numberState != 0) {
                if (number(c)) {
                    continue;
                }
            }
            structure(c);
        }
    }

    /** Reads string bytes from {@code i}; returns the index after the closing quote, or {@code len}. */
    private int string(byte[] b, int i, int len) {
        if (!readingKey && !escaped) {
            // The common case, message text: skip to the next quote or backslash.
            while (i < len) {
                byte c = b[i];
                if (c == '"' || c == '\\') {
                    break;
                }
                i++;
            }
            if (i == len) {
                return len;
            }
        }
        byte c = b[i++];
        if (escaped) {
            escaped = false;
        } else if (c == '\\') {
            escaped = true;
            keyLength = MAX_KEY + 1; // an escaped key is not one we look for
        } else if (c == '"') {
            inString = false;
            if (readingKey) {
                readingKey = false;
                keyRead();
            }
        } else if (keyLength < MAX_KEY) {
            key[keyLength++] = c;
        } else {
            keyLength = MAX_KEY + 1;
        }
        return i;
    }

    /** Handles a byte while reading a number; false when {@code c} ended it and is structure to handle. */
    private boolean number(byte c) {
        if (c >= '0' && c <= '9') {
            if (numberState == 1) {
                number = number * 10 + (c - '0');
                if (++digits > MAX_DIGITS) {
                    numberState = 2;
                }
            }
            return true;
        }
        if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
            numberState = 2; // a fraction, an exponent or a sign: not a token count
            return true;
        }
        if (numberState == 1 && counter >= 0) {
            builder.accept(COUNTERS[counter], number);
        }
        numberState = 0;
        counter = -1;
        return false;
    }

    private void structure(byte c) {
        if (depth == 0 && c != '{' && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            done = true; // not JSON, or not an object
            return;
        }
        switch (c) {
            case '"' -> {
                inString = true;
                readingKey = expectKey && keyLevel();
                keyLength = 0;
                valueStarts();
            }
            case '{' -> {
                if (depth == 1 && usageNext) {
                    inUsage = true;
                }
                valueStarts();
                depth++;
                expectKey = depth == 1 || inUsage && depth == 2;
            }
            case '[' -> {
                valueStarts();
                depth++;
                expectKey = false;
            }
            case '}', ']' -> {
                if (inUsage && depth == 2) {
                    usage = builder.build();
                    done = true; // nothing after usage matters
                    return;
                }
                if (--depth <= 0) {
                    done = true;
                }
                expectKey = false;
            }
            case ',' -> {
                expectKey = keyLevel();
                counter = -1;
            }
            case ':' -> expectKey = false;
            case ' ', '\t', '\r', '\n' -> {
                // whitespace
            }
            default -> {
                if (c == '-' || c >= '0' && c <= '9') {
                    numberState = inUsage && depth == 2 && counter >= 0 && c != '-' ? 1 : 2;
                    number = c == '-' ? 0 : c - '0';
                    digits = 1;
                }
                valueStarts(); // true, false, null or a number
            }
        }
    }

    /** Whether keys at the current depth matter: those of the root object and of {@code usage}. */
    private boolean keyLevel() {
        return depth == 1 || inUsage && depth == 2;
    }

    /** A value begins: the key before it, if it was {@code usage}, named something else than an object. */
    private void valueStarts() {
        usageNext = false;
    }

    private void keyRead() {
        if (depth == 1) {
            usageNext = matches(USAGE);
        } else {
            counter = -1;
            for (int i = 0; i < COUNTER_BYTES.length; i++) {
                if (matches(COUNTER_BYTES[i])) {
                    counter = i;
                    break;
                }
            }
        }
    }

    private boolean matches(byte[] name) {
        if (keyLength != name.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (key[i] != name[i]) {
                return false;
            }
        }
        return true;
    }
}
