package io.llmgateway.bench.load;

import io.llmgateway.bench.Payloads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the bodies bench/load.sh needs, from the same {@link Payloads} the JMH benchmarks use: the
 * request bodies wrk posts, and the mock's canned answers escaped for an nginx {@code return} string.
 */
public final class LoadFiles {
    private LoadFiles() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        // "@@" is replaced by a request number in each request (see load/wrk-post.lua).
        write(dir.resolve("req-json.json"), numbered(Payloads.SMALL_REQUEST));
        write(dir.resolve("req-sse.json"), numbered(Payloads.SMALL_STREAM_REQUEST.replace("gpt-4o-mini", "gpt-4o")));
        // The translated kinds: the same questions from an Anthropic client, to the same OpenAI-format mock.
        write(dir.resolve("req-messages.json"), numbered(Payloads.SMALL_MESSAGES_REQUEST));
        write(
                dir.resolve("req-messages-sse.json"),
                numbered(Payloads.SMALL_MESSAGES_STREAM_REQUEST.replace("gpt-4o-mini", "gpt-4o")));
        // The cache kind: one request, the same every time (no number), for a model with the response cache on.
        write(dir.resolve("req-cache.json"), Payloads.SMALL_REQUEST.replace("gpt-4o-mini", "gpt-4o-cached"));
        write(dir.resolve("canned-json.nginx"), nginxEscape(Payloads.CHAT_COMPLETION));
        write(dir.resolve("canned-sse.nginx"), nginxEscape(Payloads.SSE_STREAM));
    }

    private static String numbered(String request) {
        String question = "Answer in one word.";
        if (!request.contains(question)) {
            throw new IllegalStateException("no user question to number");
        }
        return request.replace(question, question + " (request @@)");
    }

    /** For a single-quoted nginx string: backslash, quote and newline escaped; no '$' may occur (variables). */
    static String nginxEscape(String s) {
        if (s.indexOf('$') >= 0) {
            throw new IllegalArgumentException("'$' would be read as an nginx variable");
        }
        return s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n");
    }

    private static void write(Path p, String s) throws IOException {
        Files.writeString(p, s, StandardCharsets.UTF_8);
    }
}
