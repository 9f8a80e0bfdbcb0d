package io.llmgateway.translate;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.llmgateway.util.PerThreadPool;
import java.util.Arrays;

/**
 * Reads the usual {@code chat.completion.chunk} event (one choice whose delta has text, a role, a finish reason,
 * or no choice and a usage) without a parser: a byte scanner that finds where the texts, the names and the finish
 * reason lie and reads the usage counters, so that {@link MessagesViaChatStreamTap} copies each text's escaped
 * bytes into its {@code content_block_delta} as they are (JSON escapes mean the same in both APIs).
 *
 * <p>Design notes:
 * <ul>
 * <li>All or nothing: {@link #scan} reads the whole event before anything is acted on, and says false for
 *     anything it does not take whole (tool calls, a refusal, an error, several choices, a second
 *     {@code choices}, a key spelled with escapes, an {@code id} or a {@code usage} of another type, a
 *     counter too long for a long, anything deeper than {@value ChunkJson#MAX_DEPTH}). The caller then reads the event
 *     with its Jackson parser, so what an event means never depends on which reader took it.</li>
 * <li>Strict where it takes: an event it accepts is one Jackson accepts (strict JSON: numbers without
 *     leading zeros, strings without control characters, only JSON's escapes, valid UTF-8 in every string,
 *     nothing after the object but whitespace). A malformed event goes to Jackson, which translates what it
 *     reads before the fault, as it always did.</li>
 * <li>Members other than those named below are skipped (validated, not read): {@code object},
 *     {@code created}, {@code system_fingerprint}, {@code index}, {@code logprobs} and whatever a provider
 *     adds, as the parser path skips them.</li>
 * </ul>
 * One instance per stream at a time ({@link #pooled}), used from one thread; what {@link #scan} found stays valid until the next scan.
 */
final class ChatChunkScanner {
    static final int MAX_TEXTS = 4;

    private static final int ROOT = 0;
    private static final int CHOICE = 1;
    private static final int DELTA = 2;
    private static final int USAGE = 3;
    private static final int DETAILS = 4;

    private static final byte[] ID = bytes("id");
    private static final byte[] MODEL = bytes("model");
    private static final byte[] CHOICES = bytes("choices");
    private static final byte[] USAGE_KEY = bytes("usage");
    private static final byte[] ERROR = bytes("error");
    private static final byte[] DELTA_KEY = bytes("delta");
    private static final byte[] FINISH_REASON = bytes("finish_reason");
    private static final byte[] STOP_REASON = bytes("stop_reason");
    private static final byte[] CONTENT = bytes("content");
    private static final byte[] REASONING_CONTENT = bytes("reasoning_content");
    private static final byte[] REASONING = bytes("reasoning");
    private static final byte[] REFUSAL = bytes("refusal");
    private static final byte[] TOOL_CALLS = bytes("tool_calls");
    private static final byte[] PROMPT_TOKENS = bytes("prompt_tokens");
    private static final byte[] COMPLETION_TOKENS = bytes("completion_tokens");
    private static final byte[] TOTAL_TOKENS = bytes("total_tokens");
    private static final byte[] PROMPT_TOKENS_DETAILS = bytes("prompt_tokens_details");
    private static final byte[] CACHED_TOKENS = bytes("cached_tokens");

    /** Scanners of streams that ended, for the next streams on the thread: a stream then allocates none. */
    private static final PerThreadPool<ChatChunkScanner> POOL = new PerThreadPool<>(256, ChatChunkScanner::new);

    private final ChunkJson json = new ChunkJson();
    private final ChunkJson.Members members = this::member;
    private boolean sawChoices;

    // What the last scan found: [start, end) of strings' contents in the event's bytes, -1 when absent.
    static final int ID_SPAN = 0;
    static final int MODEL_SPAN = 1;
    static final int FINISH_SPAN = 2;
    static final int STOP_SPAN = 3;
    /** Where the strings the last scan found lie: their start and end at {@code 2 * slot}; -1 when absent. */
    private final int[] spans = new int[8];
    /** The non-empty texts of the delta, in their order: their kinds and escaped bytes. */
    int texts;

    final MessagesViaChatBlocks.Kind[] kinds = new MessagesViaChatBlocks.Kind[MAX_TEXTS];
    final int[] textStart = new int[MAX_TEXTS];
    final int[] textEnd = new int[MAX_TEXTS];
    /** A {@code usage} object was read; the counters it set (the last of each), -1 for those it did not. */
    boolean usage;

    long prompt;
    long completion;
    long total;
    long cached;

    /** One of this thread's scanners, or a new one; give it back with {@link #recycle()}. */
    static ChatChunkScanner pooled() {
        return POOL.take();
    }

    /** Hands this scanner to the next stream on this thread; the caller does not use it again. */
    void recycle() {
        json.clear(); // the event's array is the framer's: it goes with its stream
        POOL.give(this);
    }

    /** Reads {@code data[0, len)}, one event's data; false when the caller must read it with a parser. */
    boolean scan(byte[] data, int len) {
        json.begin(data, len);
        sawChoices = false;
        Arrays.fill(spans, -1);
        texts = 0;
        usage = false;
        prompt = -1;
        completion = -1;
        total = -1;
        cached = -1;
        int p = json.ws(0);
        if (json.at(p) != '{') {
            return false;
        }
        p = json.object(p + 1, ROOT, 1, members);
        return p >= 0 && json.ws(p) == json.end();
    }

    /** Reads the value at {@code p} of the key {@code [ks, ke)} of an object of {@code level}. */
    private int member(int level, int ks, int ke, int p, int depth) {
        int c = json.at(p);
        switch (level) {
            case ROOT -> {
                if (json.key(ks, ke, ID) || json.key(ks, ke, MODEL)) {
                    if (c == 'n') {
                        return json.value(p, depth);
                    }
                    if (c != '"') {
                        return -1;
                    }
                    int q = json.string(p);
                    if (q > p + 2 && texts == 0) { // only message_start names them, before the first text
                        span(json.key(ks, ke, ID) ? ID_SPAN : MODEL_SPAN, p, q);
                    }
                    return q;
                }
                if (json.key(ks, ke, CHOICES) && c == '[') {
                    return sawChoices ? -1 : choices(p + 1, depth + 1);
                }
                if (json.key(ks, ke, USAGE_KEY)) {
                    usage |= c == '{';
                    return c == '{'
                            ? json.object(p + 1, USAGE, depth + 1, members)
                            : c == 'n' ? json.value(p, depth) : -1;
                }
                if (json.key(ks, ke, ERROR)) {
                    return c == 'n' ? json.value(p, depth) : -1;
                }
            }
            case CHOICE -> {
                if (json.key(ks, ke, DELTA_KEY) && c == '{') {
                    return json.object(p + 1, DELTA, depth + 1, members);
                }
                boolean finish = json.key(ks, ke, FINISH_REASON);
                if ((finish || json.key(ks, ke, STOP_REASON)) && c == '"') {
                    int q = json.string(p);
                    span(finish ? FINISH_SPAN : STOP_SPAN, p, q);
                    return q;
                }
            }
            case DELTA -> {
                if (c == '"') {
                    MessagesViaChatBlocks.Kind kind = json.key(ks, ke, CONTENT)
                            ? MessagesViaChatBlocks.Kind.TEXT
                            : json.key(ks, ke, REASONING_CONTENT) || json.key(ks, ke, REASONING)
                                    ? MessagesViaChatBlocks.Kind.THINKING
                                    : null;
                    if (json.key(ks, ke, REFUSAL)) {
                        return -1; // the parser path marks the answer refused
                    }
                    int q = json.string(p);
                    if (kind != null && q > p + 2) {
                        if (texts == MAX_TEXTS) {
                            return -1;
                        }
                        kinds[texts] = kind;
                        textStart[texts] = p + 1;
                        textEnd[texts++] = q - 1;
                    }
                    return q;
                }
                if (c == '[' && json.key(ks, ke, TOOL_CALLS)) {
                    return -1;
                }
            }
            case USAGE, DETAILS -> {
                if (level == USAGE && json.key(ks, ke, PROMPT_TOKENS_DETAILS) && c == '{') {
                    return json.object(p + 1, DETAILS, depth + 1, members);
                }
                int q = json.value(p, depth);
                if (q < 0 || !json.integer || c != '-' && !ChunkJson.isDigit(c)) {
                    return q; // not an integer (a number inside an object or array is not this key's)
                }
                long v = Math.max(0, json.integerValue);
                if (level == DETAILS) {
                    cached = json.key(ks, ke, CACHED_TOKENS) ? v : cached;
                } else if (json.key(ks, ke, PROMPT_TOKENS)) {
                    prompt = v;
                } else if (json.key(ks, ke, COMPLETION_TOKENS)) {
                    completion = v;
                } else if (json.key(ks, ke, TOTAL_TOKENS)) {
                    total = v;
                }
                return q;
            }
            default -> {
                // OTHER: every member is skipped
            }
        }
        return json.value(p, depth);
    }

    /** Reads the elements of {@code choices} from {@code p} (after its bracket): none or one object. */
    private int choices(int p, int depth) {
        sawChoices = true;
        p = json.ws(p);
        if (json.at(p) == ']') {
            return p + 1;
        }
        if (json.at(p) != '{') {
            return -1;
        }
        p = json.ws(json.object(p + 1, CHOICE, depth + 1, members));
        return p >= 0 && json.at(p) == ']' ? p + 1 : -1; // a second choice is the parser path's
    }

    /** Gives {@code blocks} the names the last scan found, unless its message started (they came before any text). */
    void namesTo(MessagesViaChatBlocks blocks) {
        if (!blocks.started() && found(ID_SPAN) != null) {
            blocks.name("id", found(ID_SPAN));
        }
        if (!blocks.started() && found(MODEL_SPAN) != null) {
            blocks.name("model", found(MODEL_SPAN));
        }
    }

    /** The stop string the last scan's choice named ({@code stop_reason}, as vLLM sends it), else {@code current}. */
    String stopSequence(String current) {
        String stop = found(STOP_SPAN);
        return stop != null ? stop : current;
    }

    /** The string of {@code slot} ({@link #ID_SPAN}...) the last scan found, decoded, or null. */
    String found(int slot) {
        int start = spans[2 * slot];
        return start < 0 ? null : text(start, spans[2 * slot + 1]);
    }

    /** Notes the string at {@code [p, q)} (quotes included; q < 0: none) as {@code slot}'s. */
    private void span(int slot, int p, int q) {
        if (q >= 0) {
            spans[2 * slot] = p + 1;
            spans[2 * slot + 1] = q - 1;
        }
    }

    /** Sets what the last scan's {@code usage} told in {@code answer}; whether {@code answer} has a usage now. */
    boolean usageTo(MessagesViaChatAnswer answer) {
        answer.promptTokens = prompt >= 0 ? prompt : answer.promptTokens;
        answer.completionTokens = completion >= 0 ? completion : answer.completionTokens;
        answer.totalTokens = total >= 0 ? total : answer.totalTokens;
        answer.cachedTokens = cached >= 0 ? cached : answer.cachedTokens;
        return answer.hasUsage();
    }

    /** Decodes the escaped string bytes {@code [from, to)} of the last scan into {@link #chars()}; their count. */
    int decode(int from, int to) {
        return json.decode(from, to);
    }

    /** The characters {@link #decode} wrote. */
    char[] chars() {
        return json.chars();
    }

    /** The escaped string bytes {@code [from, to)} of the last scan, decoded. */
    String text(int from, int to) {
        return json.text(from, to);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(US_ASCII);
    }
}
