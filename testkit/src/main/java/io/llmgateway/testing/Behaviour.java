package io.llmgateway.testing;

import static io.llmgateway.testing.BehaviourSpec.checkCount;
import static io.llmgateway.testing.BehaviourSpec.checkDuration;
import static io.llmgateway.testing.BehaviourSpec.checkStatus;
import static io.llmgateway.testing.BehaviourSpec.checkTokens;
import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * What {@link MockProvider} does with one request. Immutable: every {@code withX}/option method returns
 * a copy, so a behaviour can be kept in a constant and refined per test.
 *
 * <p>Design notes: bodies are rendered per request because several answers echo the request's
 * {@code model} and SSE answers depend on {@code stream_options.include_usage}. Options that do not
 * apply to a kind (e.g. {@link #paced} on a JSON answer) throw, so a test cannot silently configure
 * something the mock ignores.
 */
public final class Behaviour {

    enum Kind {
        JSON,
        RENDERED,
        CHAT,
        EMBEDDINGS,
        SSE,
        STREAM_AWARE,
        DROP,
        RESET,
        STALL,
        GARBAGE,
        HALF_HEADERS,
        ENDLESS
    }

    static final long DEFAULT_PROMPT_TOKENS = 10;
    static final long DEFAULT_COMPLETION_TOKENS = 5;
    /** Fixed so that answers are reproducible; the mock has no use for real time. */
    static final long CREATED = 1_700_000_000L;

    private final BehaviourSpec spec;

    private Behaviour(BehaviourSpec spec) {
        this.spec = spec;
    }

    // ---- factories ----------------------------------------------------------------------------

    /** Answers {@code status} with {@code body} as {@code application/json} (Content-Length framing). */
    public static Behaviour json(int status, String body) {
        return canned(status, "application/json", body);
    }

    /**
     * Answers {@code status} with {@code body} as {@code contentType} (Content-Length framing), the same
     * bytes every time: encoded once, nothing rendered per request.
     */
    public static Behaviour canned(int status, String contentType, String body) {
        BehaviourSpec s = new BehaviourSpec(Kind.JSON);
        s.status = checkStatus(status);
        s.contentType = requireNonNull(contentType, "contentType");
        s.bytes = requireNonNull(body, "body").getBytes(StandardCharsets.UTF_8);
        return new Behaviour(s);
    }

    /**
     * Answers {@code status} with the JSON body {@code render} makes of the request's model and the answer's
     * number (Content-Length framing): for answers of other wire formats (see {@link AnthropicAnswer}).
     */
    public static Behaviour rendered(int status, Renderer<String> render) {
        BehaviourSpec s = new BehaviourSpec(Kind.RENDERED);
        s.status = checkStatus(status);
        s.render = requireNonNull(render, "render");
        return new Behaviour(s);
    }

    /**
     * A {@code text/event-stream} answer (chunked framing) made of the complete events {@code render} makes of
     * the request's model and the answer's number; the SSE options apply as for {@link #sseEvents}.
     */
    public static Behaviour renderedEvents(Renderer<List<String>> render) {
        BehaviourSpec s = new BehaviourSpec(Kind.SSE);
        s.renderEvents = requireNonNull(render, "render");
        return new Behaviour(s);
    }

    /** Makes an answer's body (or events) of the request's {@code model} and the answer's number {@code id}. */
    @FunctionalInterface
    public interface Renderer<T> {
        T render(String model, long id);
    }

    /** A chat completion answering {@code content}, echoing the request's model, usage 10/5/15. */
    public static Behaviour chatCompletion(String content) {
        return chatCompletion(content, DEFAULT_PROMPT_TOKENS, DEFAULT_COMPLETION_TOKENS);
    }

    /** A chat completion answering {@code content} with the given usage (total = prompt + completion). */
    public static Behaviour chatCompletion(String content, long promptTokens, long completionTokens) {
        BehaviourSpec s = new BehaviourSpec(Kind.CHAT);
        s.content = requireNonNull(content, "content");
        s.promptTokens = checkTokens("promptTokens", promptTokens);
        s.completionTokens = checkTokens("completionTokens", completionTokens);
        return new Behaviour(s);
    }

    /** An embeddings list: one vector of {@code dimensions} floats per input item, usage 10 tokens. */
    public static Behaviour embeddings(int dimensions) {
        return embeddings(dimensions, DEFAULT_PROMPT_TOKENS);
    }

    /** An embeddings list with {@code promptTokens} as both prompt and total usage. */
    public static Behaviour embeddings(int dimensions, long promptTokens) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions: " + dimensions + " (expected: >= 1)");
        }
        BehaviourSpec s = new BehaviourSpec(Kind.EMBEDDINGS);
        s.dimensions = dimensions;
        s.promptTokens = checkTokens("promptTokens", promptTokens);
        return new Behaviour(s);
    }

    /** OpenAI's error shape: {@code {"error":{"message","type","param":null,"code":null}}}. */
    public static Behaviour error(int status, String type, String message) {
        return json(status, OpenAiBodies.errorBody(message, type, null));
    }

    /** 429 with {@code Retry-After: retryAfterSeconds} and OpenAI's rate-limit error body. */
    public static Behaviour rateLimited(long retryAfterSeconds) {
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds: " + retryAfterSeconds + " (expected: >= 0)");
        }
        return json(429, OpenAiBodies.errorBody("Rate limit reached (mock)", "requests", "rate_limit_exceeded"))
                .withHeader("Retry-After", Long.toString(retryAfterSeconds));
    }

    /**
     * A {@code text/event-stream} chat completion (chunked framing): a role chunk, one chunk per delta,
     * a {@code finish_reason:"stop"} chunk, a usage-only chunk with {@code "choices":[]} only when the
     * request asked for {@code stream_options.include_usage}, then {@code data: [DONE]}.
     */
    public static Behaviour sse(List<String> contentDeltas) {
        requireNonNull(contentDeltas, "contentDeltas");
        BehaviourSpec s = new BehaviourSpec(Kind.SSE);
        s.deltas = List.copyOf(contentDeltas);
        s.promptTokens = DEFAULT_PROMPT_TOKENS;
        s.completionTokens = DEFAULT_COMPLETION_TOKENS;
        return new Behaviour(s);
    }

    /**
     * A {@code text/event-stream} answer (chunked framing) made of exactly {@code events}, each a complete
     * event with its blank line: no role, finish or usage chunk is added and the request does not change it.
     * The SSE options apply ({@link #paced}: one event per pause).
     */
    public static Behaviour sseEvents(List<String> events) {
        requireNonNull(events, "events");
        BehaviourSpec s = new BehaviourSpec(Kind.SSE);
        s.rawEvents = List.copyOf(events);
        return new Behaviour(s);
    }

    /** Same as {@link #sse(List)}. */
    public static Behaviour sse(String... contentDeltas) {
        return sse(List.of(contentDeltas));
    }

    /** Picks {@code whenStreaming} if the request has {@code "stream":true}, else {@code otherwise}. */
    public static Behaviour streamAware(Behaviour otherwise, Behaviour whenStreaming) {
        BehaviourSpec s = new BehaviourSpec(Kind.STREAM_AWARE);
        s.otherwise = requireNonNull(otherwise, "otherwise");
        s.whenStreaming = requireNonNull(whenStreaming, "whenStreaming");
        return new Behaviour(s);
    }

    /** Closes the connection as soon as the request arrived, without a response byte. */
    public static Behaviour dropConnection() {
        return new Behaviour(new BehaviourSpec(Kind.DROP));
    }

    /** Resets the connection (RST) as soon as the request arrived, without a response byte. */
    public static Behaviour resetConnection() {
        return new Behaviour(new BehaviourSpec(Kind.RESET));
    }

    /** Answers 200 with a chunked body that never ends, written as fast as the connection takes it. */
    public static Behaviour endlessBody() {
        return new Behaviour(new BehaviourSpec(Kind.ENDLESS));
    }

    /** Never answers and keeps the connection open. */
    public static Behaviour stall() {
        return new Behaviour(new BehaviourSpec(Kind.STALL));
    }

    /** Writes bytes that are not HTTP, then closes. */
    public static Behaviour garbage() {
        return new Behaviour(new BehaviourSpec(Kind.GARBAGE));
    }

    /** Writes a truncated status line and headers, then closes. */
    public static Behaviour halfHeaders() {
        return new Behaviour(new BehaviourSpec(Kind.HALF_HEADERS));
    }

    // ---- options ------------------------------------------------------------------------------

    /** Adds a response header (JSON and SSE answers). */
    public Behaviour withHeader(String name, String value) {
        requireNonNull(name, "name");
        requireNonNull(value, "value");
        requireAnswer("withHeader");
        BehaviourSpec s = spec.copy();
        s.headers.add(new String[] {name, value});
        return new Behaviour(s);
    }

    /** Waits {@code delay} before anything is written (before the response headers). */
    public Behaviour withDelay(Duration delay) {
        BehaviourSpec s = spec.copy();
        s.delay = checkDuration("delay", delay);
        return new Behaviour(s);
    }

    /** Writes a Content-Length body {@code bytesPerWrite} bytes at a time, {@code between} apart. */
    public Behaviour slowDrip(int bytesPerWrite, Duration between) {
        if (spec.kind != Kind.JSON
                && spec.kind != Kind.RENDERED
                && spec.kind != Kind.CHAT
                && spec.kind != Kind.EMBEDDINGS) {
            throw new IllegalStateException("slowDrip() applies to JSON answers, not " + spec.kind);
        }
        if (bytesPerWrite < 1) {
            throw new IllegalArgumentException("bytesPerWrite: " + bytesPerWrite + " (expected: >= 1)");
        }
        BehaviourSpec s = spec.copy();
        s.dripBytes = bytesPerWrite;
        s.pace = checkDuration("between", between);
        return new Behaviour(s);
    }

    /** SSE: waits {@code between} before each event after the first. */
    public Behaviour paced(Duration between) {
        BehaviourSpec s = sseCopy("paced");
        s.pace = checkDuration("between", between);
        return new Behaviour(s);
    }

    /** SSE: writes each event in two separately flushed writes, split inside the event. */
    public Behaviour splitEvents(boolean split) {
        BehaviourSpec s = sseCopy("splitEvents");
        s.splitEvents = split;
        return new Behaviour(s);
    }

    /** SSE: ends lines with CRLF instead of LF (both are legal in {@code text/event-stream}). */
    public Behaviour crlf(boolean crlf) {
        BehaviourSpec s = renderedSseCopy("crlf");
        s.crlf = crlf;
        return new Behaviour(s);
    }

    /** SSE: never sends the usage chunk, even when asked (as some providers do). */
    public Behaviour withoutUsage() {
        BehaviourSpec s = renderedSseCopy("withoutUsage");
        s.usageSuppressed = true;
        return new Behaviour(s);
    }

    /** SSE: the usage reported in the usage chunk. */
    public Behaviour withUsage(long promptTokens, long completionTokens) {
        BehaviourSpec s = renderedSseCopy("withUsage");
        s.promptTokens = checkTokens("promptTokens", promptTokens);
        s.completionTokens = checkTokens("completionTokens", completionTokens);
        return new Behaviour(s);
    }

    /** SSE: after {@code events} events, resets the connection (SO_LINGER 0, so the peer sees RST). */
    public Behaviour resetAfter(int events) {
        BehaviourSpec s = sseCopy("resetAfter");
        s.resetAfter = checkCount("events", events);
        return new Behaviour(s);
    }

    /** SSE: after {@code events} events, stops writing and keeps the connection open. */
    public Behaviour stallAfter(int events) {
        BehaviourSpec s = sseCopy("stallAfter");
        s.stallAfter = checkCount("events", events);
        return new Behaviour(s);
    }

    // ---- rendering (package-private, used by MockExchange) -------------------------------------

    Kind kind() {
        return spec.kind;
    }

    /** Resolves {@link Kind#STREAM_AWARE} for one request; the delay of the outer behaviour wins. */
    Behaviour resolve(RequestFacts facts) {
        if (spec.kind != Kind.STREAM_AWARE) {
            return this;
        }
        Behaviour chosen = (facts.stream() ? spec.whenStreaming : spec.otherwise).resolve(facts);
        return spec.delay.isZero() ? chosen : chosen.withDelay(spec.delay);
    }

    int status() {
        return spec.status;
    }

    List<String[]> headers() {
        return spec.headers;
    }

    Duration delay() {
        return spec.delay;
    }

    Duration pace() {
        return spec.pace;
    }

    int dripBytes() {
        return spec.dripBytes;
    }

    boolean splitEvents() {
        return spec.splitEvents;
    }

    int resetAfter() {
        return spec.resetAfter;
    }

    int stallAfter() {
        return spec.stallAfter;
    }

    /** The content type of a JSON-kind answer. */
    String contentType() {
        return spec.kind == Kind.JSON ? spec.contentType : "application/json";
    }

    /** The body of a JSON-kind answer; callers only read it. */
    byte[] bodyBytes(RequestFacts facts, long id) {
        return spec.kind == Kind.JSON ? spec.bytes : body(facts, id).getBytes(StandardCharsets.UTF_8);
    }

    private String body(RequestFacts facts, long id) {
        return switch (spec.kind) {
            case CHAT ->
                OpenAiBodies.chatCompletion(id, facts.model(), spec.content, spec.promptTokens, spec.completionTokens);
            case EMBEDDINGS ->
                OpenAiBodies.embeddings(facts.model(), facts.inputCount(), spec.dimensions, spec.promptTokens);
            case RENDERED -> spec.render.render(facts.model(), id);
            default -> throw new IllegalStateException("no JSON body for " + spec.kind);
        };
    }

    /** The complete SSE events (with their terminating blank line) of an SSE answer. */
    List<String> events(RequestFacts facts, long id) {
        if (spec.rawEvents != null) {
            return spec.rawEvents;
        }
        if (spec.renderEvents != null) {
            return spec.renderEvents.render(facts.model(), id);
        }
        boolean usage = facts.includeUsage() && !spec.usageSuppressed;
        return OpenAiBodies.chunkEvents(
                id, facts.model(), spec.deltas, usage, spec.promptTokens, spec.completionTokens, spec.crlf);
    }

    @Override
    public String toString() {
        return "Behaviour(" + spec.kind + ')';
    }

    private void requireAnswer(String option) {
        if (spec.kind != Kind.JSON
                && spec.kind != Kind.RENDERED
                && spec.kind != Kind.CHAT
                && spec.kind != Kind.EMBEDDINGS
                && spec.kind != Kind.SSE) {
            throw new IllegalStateException(option + "() applies to answers with a status, not " + spec.kind);
        }
    }

    private BehaviourSpec sseCopy(String option) {
        if (spec.kind != Kind.SSE) {
            throw new IllegalStateException(option + "() applies to sse() only, not " + spec.kind);
        }
        return spec.copy();
    }

    private BehaviourSpec renderedSseCopy(String option) {
        if (spec.rawEvents != null || spec.renderEvents != null) {
            throw new IllegalStateException(option + "() applies to sse() only, not to sseEvents()");
        }
        return sseCopy(option);
    }
}
