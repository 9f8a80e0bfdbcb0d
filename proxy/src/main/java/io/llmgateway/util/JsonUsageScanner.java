package io.llmgateway.util;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * Finds the top-level {@code usage} object of a JSON answer while the body passes through, chunk by chunk, and
 * reports its integer counters: a byte scanner that follows only the JSON structure it needs (nesting depth,
 * strings, keys of the root object and of {@code usage}, integer values in {@code usage}) and skips string
 * contents in a tight loop. Nothing is buffered across chunks but a few flags and the key being read. Jackson's
 * non-blocking parser would tokenize the whole answer, and allocate for it, for a few numbers at its end.
 *
 * <p>It is lenient, not a validator: a body that is not a JSON object yields no usage, and so does a
 * {@code usage} that is not an object or never ends; keys spelled with escapes are not recognised; a
 * counter that is not a non-negative integer of at most 18 digits is ignored. Scanning stops at the end
 * of {@code usage} or of the root object. One instance per answer, used from one thread.
 */
public final class JsonUsageScanner {
    /** A chunk is copied to a heap array, then scanned: the copy is read before {@link #scan(ByteBuf)} returns. */
    private static final ThreadScratch SCRATCH = new ThreadScratch(4096, 64 * 1024);

    /** Receives the counters of {@code usage} as they are read. */
    @FunctionalInterface
    public interface Sink {
        /** @param counter the index of the counter's name in the scanner's list */
        void counter(int counter, long value);
    }

    /** Receives the string values {@link #captureValues} asks for. */
    @FunctionalInterface
    public interface ValueSink {
        /** @param key the index of the value's key: a root key's, or the root keys' count plus an element key's */
        void value(int key, String value);
    }

    private static final byte[] USAGE = {'u', 's', 'a', 'g', 'e'};
    private static final int MAX_KEY = 32;
    private static final int MAX_DIGITS = 18;
    private static final int MAX_VALUE = 128;

    private final byte[][] counterNames;
    private final byte[][] detailNames;
    private final byte[][] detailCounterNames;
    private final Sink sink;

    private boolean done;
    private boolean usageEnded;
    private int depth;
    private boolean inUsage;
    /** Inside an object of {@code usage} named in {@link #detailNames}, whose counters are read too. */
    private boolean inDetails;
    /** The last key read in {@code usage} names such an object. */
    private boolean detailsNext;
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
    /** Index into {@link #counterNames} of the last key read in {@code usage}, or -1. */
    private int counter = -1;
    /** 0: not in a counter's number; 1: reading its digits; 2: skipping a number that is not a counter. */
    private int numberState;

    private long number;
    private int digits;

    // Only when values are captured (captureValues): a traced answer's id, model and finish reasons.
    private byte[][] rootValueKeys = new byte[0][];
    private byte[][] elementValueKeys = new byte[0][];
    private @Nullable ValueSink valueSink;
    private byte @Nullable [] value;
    private int valueLength;
    /** The key whose string value comes next (or is being read), as {@link ValueSink} numbers it; or -1. */
    private int valueKey = -1;
    /** Reading that value, into {@link #value}. */
    private boolean readingValue;
    /** Inside an array that is a value of the root object (OpenAI's {@code choices}). */
    private boolean inRootArray;

    /**
     * @param counterNames the ASCII names of the counters of {@code usage} to report (at most 32 bytes each)
     * @param sink receives each counter read
     */
    public JsonUsageScanner(byte[][] counterNames, Sink sink) {
        this(counterNames, new byte[0][], new byte[0][], sink);
    }

    /**
     * @param detailNames the ASCII names of objects inside {@code usage} whose counters are read as well
     *                    (OpenAI's {@code prompt_tokens_details})
     * @param detailCounterNames the counters of those objects to report, as counter
     *                           {@code counterNames.length + } their index here
     */
    public JsonUsageScanner(byte[][] counterNames, byte[][] detailNames, byte[][] detailCounterNames, Sink sink) {
        this.counterNames = requireNonNull(counterNames, "counterNames");
        this.detailNames = requireNonNull(detailNames, "detailNames");
        this.detailCounterNames = requireNonNull(detailCounterNames, "detailCounterNames");
        this.sink = requireNonNull(sink, "sink");
    }

    /**
     * Also reports the string values of {@code rootKeys} (keys of the root object) and of {@code elementKeys}
     * (keys of the objects in an array of the root object, like the choices of OpenAI's answer), and reads on
     * after {@code usage} to the root object's end for them. Asked before the first chunk.
     */
    public void captureValues(byte[][] rootKeys, byte[][] elementKeys, ValueSink sink) {
        this.rootValueKeys = requireNonNull(rootKeys, "rootKeys");
        this.elementValueKeys = requireNonNull(elementKeys, "elementKeys");
        this.valueSink = requireNonNull(sink, "sink");
        this.value = new byte[MAX_VALUE];
    }

    /** Whether scanning stopped: the end of {@code usage} or of the root object, or not a JSON object. */
    public boolean done() {
        return done;
    }

    /** Whether the {@code usage} object was read to its end. */
    public boolean usageEnded() {
        return usageEnded;
    }

    /** Stops scanning: nothing more is read. */
    public void stop() {
        done = true;
    }

    /**
     * Reads {@code chunk}'s readable bytes, the next of the answer, and neither consumes nor releases it. Never
     * throws: a bug here must not break the answer it only watches, so a failure stops the scan instead.
     */
    public void scan(ByteBuf chunk) {
        if (done || !chunk.isReadable()) {
            return;
        }
        int len = chunk.readableBytes();
        try {
            scan(SCRATCH.copy(chunk, chunk.readerIndex(), len), len);
        } catch (RuntimeException e) {
            done = true;
        }
    }

    /** Reads {@code b[0, len)}, the next bytes of the answer. */
    public void scan(byte[] b, int len) {
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
        if (!readingKey && !readingValue && !escaped) {
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
        if (readingValue) {
            return valueByte(c, i);
        }
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

    /** Reads a byte of a captured string value ({@link #captureValues}); returns {@code i}. */
    private int valueByte(byte c, int i) {
        byte[] v = requireNonNull(value, "value");
        ValueSink sink = requireNonNull(valueSink, "valueSink");
        if (!escaped && c == '\\') {
            escaped = true;
            return i;
        }
        if (!escaped && c == '"') {
            inString = false;
            readingValue = false;
            sink.value(valueKey, new String(v, 0, valueLength, UTF_8));
            valueKey = -1;
            return i;
        }
        escaped = false; // an escaped char is kept as the char after the backslash
        if (valueLength < MAX_VALUE) {
            v[valueLength++] = c;
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
            sink.counter(counter, number);
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
                readingValue = !readingKey && valueKey >= 0;
                keyLength = 0;
                valueLength = 0;
                valueStarts();
            }
            case '{' -> {
                if (depth == 1 && usageNext) {
                    inUsage = true;
                } else if (inUsage && depth == 2 && detailsNext) {
                    inDetails = true;
                }
                valueStarts();
                depth++;
                expectKey = keyLevel();
            }
            case '[' -> {
                inRootArray |= depth == 1;
                valueStarts();
                depth++;
                expectKey = false;
            }
            case '}', ']' -> {
                if (inUsage && depth == 2) {
                    usageEnded = true;
                    if (valueSink == null) {
                        done = true; // nothing after usage matters
                        return;
                    }
                    inUsage = false;
                }
                if (depth == 2) {
                    inRootArray = false;
                }
                if (inDetails && depth == 3) {
                    inDetails = false;
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
                    numberState =
                            (inUsage && depth == 2 || inDetails && depth == 3) && counter >= 0 && c != '-' ? 1 : 2;
                    number = c == '-' ? 0 : c - '0';
                    digits = 1;
                }
                valueStarts(); // true, false, null or a number
            }
        }
    }

    /** Whether keys at the current depth matter: those of the root object and of {@code usage}. */
    private boolean keyLevel() {
        return depth == 1
                || inUsage && depth == 2
                || inDetails && depth == 3
                || inRootArray && depth == 3 && elementValueKeys.length > 0;
    }

    /** A value begins: the key before it, if it was {@code usage}, named something else than an object. */
    private void valueStarts() {
        usageNext = false;
        detailsNext = false;
        if (!readingValue) {
            valueKey = -1; // not a string: not captured
        }
    }

    private void keyRead() {
        if (valueSink != null) {
            valueKey = depth == 1
                    ? indexOf(rootValueKeys, 0)
                    : inRootArray && depth == 3 ? indexOf(elementValueKeys, rootValueKeys.length) : -1;
            if (depth == 3 && !inDetails) {
                return; // an element's key: no counter
            }
        }
        if (depth == 1) {
            usageNext = matches(USAGE);
        } else {
            counter = -1;
            detailsNext = false;
            if (depth == 2) {
                for (byte[] name : detailNames) {
                    detailsNext |= matches(name);
                }
            }
            if (depth == 3) {
                for (int i = 0; i < detailCounterNames.length; i++) {
                    if (matches(detailCounterNames[i])) {
                        counter = counterNames.length + i;
                        return;
                    }
                }
                return;
            }
            for (int i = 0; i < counterNames.length; i++) {
                if (matches(counterNames[i])) {
                    counter = i;
                    break;
                }
            }
        }
    }

    /** {@code base} plus the index of the key just read in {@code names}, or -1. */
    private int indexOf(byte[][] names, int base) {
        for (int i = 0; i < names.length; i++) {
            if (matches(names[i])) {
                return base + i;
            }
        }
        return -1;
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
