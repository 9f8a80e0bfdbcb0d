package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.llmgateway.testing.AnthropicAnswer;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RecordedRequest;
import io.llmgateway.testing.TestJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claude Code itself (the {@code claude} binary, run non-interactively with {@code -p}) against the gateway, whose
 * provider is a mock: a text answer, and a tool call of one of Claude Code's own tools (Read) that it runs before
 * it sends the tool's result back for the final text; to an {@code anthropic} provider (pass-through) and,
 * translated, to an {@code openai} one.
 *
 * <p>The binary is {@code $LLMGW_CLAUDE_CODE}, else {@code ~/.cache/llmgw/claude-code/node_modules/.bin/claude}
 * (where {@code .ci/run} installs the pinned version with npm). Without it the test is skipped, unless
 * {@code LLMGW_REQUIRE_CLAUDE_CODE} is set (as CI sets it): then it fails.
 */
class ClaudeCodeEndToEndTest {
    private static final String CLIENT_KEY = "sk-claude-code-client-0123";
    /** What the file Claude Code reads holds: it can reach the second request only through the tool's result. */
    private static final String SECRET_WORD = "periwinkle-4711";

    private static Path claude;

    @RegisterExtension
    final MockUpstream provider = MockUpstream.start();

    @TempDir
    Path dir;

    @BeforeAll
    static void findClaudeCode() {
        String configured = System.getenv("LLMGW_CLAUDE_CODE");
        Path path = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache/llmgw/claude-code/node_modules/.bin/claude");
        boolean present = Files.isExecutable(path);
        String required = System.getenv("LLMGW_REQUIRE_CLAUDE_CODE");
        if (!present && required != null && !required.isBlank()) {
            fail("LLMGW_REQUIRE_CLAUDE_CODE is set but Claude Code is not at " + path
                    + " (install it as .ci/run does, or set LLMGW_CLAUDE_CODE to the claude binary)");
        }
        Assumptions.assumeTrue(
                present,
                "Claude Code is not installed at " + path + ": skipped (set LLMGW_CLAUDE_CODE, or run .ci/run; "
                        + "LLMGW_REQUIRE_CLAUDE_CODE=1 makes its absence a failure)");
        claude = path;
    }

    private TestGateway gateway(String api, String alias) throws Exception {
        return TestGateway.start("""
                gateway:
                  api_keys:
                    - %s
                api_provider:
                  mock:
                    api: %s
                    base_url: %s
                    api_key: sk-provider-key
                model_config:
                  claude-sonnet-4-5:
                    mock: {alias: %s}
                """.formatted(CLIENT_KEY, api, provider.baseUrl(), alias));
    }

    @Test
    void text_throughAnAnthropicProvider() throws Exception {
        provider.setDefault(AnthropicAnswer.text("Hello ", "from the gateway.").auto());
        try (TestGateway g = gateway("anthropic", "claude-upstream")) {
            Map<String, Object> result = run(g, "Say hello.");

            assertEquals("Hello from the gateway.", result.get("result"), result.toString());
            RecordedRequest sent = provider.takeRequest(java.time.Duration.ofSeconds(5));
            assertTrue(sent.uri().startsWith("/v1/messages"), sent.uri());
            assertEquals("sk-provider-key", sent.header("x-api-key"));
            assertFalse(sent.body().contains(CLIENT_KEY));
            assertEquals("claude-upstream", TestJson.at(TestJson.parse(sent.body()), "model"));
            assertTrue(toolNames(sent.body()).contains("Read"), sent.body());
        }
    }

    @Test
    void toolUse_throughAnAnthropicProvider() throws Exception {
        String input = readInput();
        provider.enqueue(AnthropicAnswer.text("Reading it.")
                .withToolUse("toolu_gw1", "Read", input.substring(0, 10), input.substring(10))
                .auto());
        provider.setDefault(
                AnthropicAnswer.text("The word is ", SECRET_WORD, ".").auto());
        try (TestGateway g = gateway("anthropic", "claude-upstream")) {
            askForTheWord(g, "\"tool_use_id\":\"toolu_gw1\"");
        }
    }

    @Test
    void toolUseWithThinking_throughAnAnthropicProvider_sendsTheSignedThinkingBack() throws Exception {
        String input = readInput();
        String signature = "EqQBCgIYAhIMgateway+signature+kept==";
        provider.enqueue(AnthropicAnswer.text("Reading it.")
                .withThinking(signature, "The user wants ", "the word.")
                .withToolUse("toolu_gw2", "Read", input)
                .auto());
        provider.setDefault(
                AnthropicAnswer.text("The word is ", SECRET_WORD, ".").auto());
        try (TestGateway g = gateway("anthropic", "claude-upstream")) {
            String next = askForTheWord(g, "\"tool_use_id\":\"toolu_gw2\"");
            assertTrue(next.contains("\"signature\":\"" + signature + "\""), "the thinking block goes back signed");
            assertTrue(next.contains("The user wants the word."), next);
        }
    }

    @Test
    void text_translatedToAnOpenAiProvider() throws Exception {
        provider.setDefault(Behaviour.streamAware(
                Behaviour.chatCompletion("Hello from GPT."), Behaviour.sse("Hello ", "from GPT.")));
        try (TestGateway g = gateway("openai", "gpt-4.1")) {
            Map<String, Object> result = run(g, "Say hello.");

            assertEquals("Hello from GPT.", result.get("result"), result.toString());
            RecordedRequest sent = provider.takeRequest(java.time.Duration.ofSeconds(5));
            assertEquals("/v1/chat/completions", sent.uri());
            assertEquals("Bearer sk-provider-key", sent.header("authorization"));
            Object body = TestJson.parse(sent.body());
            assertEquals("gpt-4.1", TestJson.at(body, "model"));
            assertTrue(sent.body().contains("\"name\":\"Read\""), "Claude Code's tools as functions");
        }
    }

    @Test
    void toolUse_translatedToAnOpenAiProvider() throws Exception {
        String arguments = readInput().replace("\"", "\\\"");
        provider.enqueue(Behaviour.sseEvents(List.of(
                chunk(
                        "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_gw1\","
                                + "\"type\":\"function\",\"function\":{\"name\":\"Read\",\"arguments\":\"\"}}]}",
                        "null"),
                chunk(
                        "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"" + arguments.substring(0, 12)
                                + "\"}}]}",
                        "null"),
                chunk(
                        "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"" + arguments.substring(12)
                                + "\"}}]}",
                        "null"),
                chunk("{}", "\"tool_calls\""),
                "data: [DONE]\n\n")));
        provider.setDefault(Behaviour.streamAware(
                Behaviour.chatCompletion("The word is " + SECRET_WORD + "."),
                Behaviour.sse("The word is ", SECRET_WORD, ".")));
        try (TestGateway g = gateway("openai", "gpt-4.1")) {
            askForTheWord(g, "\"tool_call_id\":\"call_gw1\"");
        }
    }

    /** Writes the file the prompt asks about; the input of a Read of it. */
    private String readInput() throws IOException {
        Path file = Files.writeString(dir.resolve("word.txt"), SECRET_WORD + "\n");
        return "{\"file_path\":\"" + file.toAbsolutePath() + "\"}";
    }

    /**
     * Asks Claude Code for the word in the file, which the provider answers with a Read call, then with the word;
     * returns the request that carried the tool's result ({@code marker}), which holds the file's word.
     */
    private String askForTheWord(TestGateway g, String marker) throws IOException, InterruptedException {
        Map<String, Object> result = run(g, "What is the word in word.txt?");

        assertEquals("The word is " + SECRET_WORD + ".", result.get("result"), result.toString());
        String sent = toolResultSent(marker);
        assertTrue(sent.contains(SECRET_WORD), "Claude Code ran Read and sent its result: " + sent);
        return sent;
    }

    private static String chunk(String delta, String finish) {
        return "data: {\"id\":\"chatcmpl-cc\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,"
                + "\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":" + finish + "}]}\n\n";
    }

    /** The body of the first request to the provider that carries {@code marker} (the tool's result). */
    private String toolResultSent(String marker) {
        List<String> bodies = new ArrayList<>();
        for (RecordedRequest r : provider.requests()) {
            if (r.body().contains(marker)) {
                return r.body();
            }
            bodies.add(r.uri() + " " + r.body().length() + " bytes");
        }
        return fail("no request carried " + marker + ": " + bodies);
    }

    @SuppressWarnings("unchecked")
    private static List<String> toolNames(String body) {
        List<String> names = new ArrayList<>();
        for (Object tool : (List<Object>) TestJson.at(TestJson.parse(body), "tools")) {
            names.add((String) ((Map<String, Object>) tool).get("name"));
        }
        return names;
    }

    /** Runs {@code claude -p prompt --output-format json} in {@link #dir} against {@code g}; its result object. */
    private Map<String, Object> run(TestGateway g, String prompt) throws IOException, InterruptedException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path out = dir.resolve("claude-out.json");
        Path err = dir.resolve("claude-err.txt");
        ProcessBuilder pb = new ProcessBuilder(
                        claude.toString(),
                        "-p",
                        prompt,
                        "--output-format",
                        "json",
                        "--model",
                        "claude-sonnet-4-5",
                        "--allowedTools",
                        "Read",
                        "--max-turns",
                        "4")
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.keySet()
                .removeIf(k -> k.startsWith("ANTHROPIC_")
                        || k.startsWith("CLAUDE_")
                        || k.endsWith("_PROXY")
                        || k.endsWith("_proxy"));
        env.put("HOME", home.toString());
        env.put("ANTHROPIC_BASE_URL", "http://127.0.0.1:" + g.port());
        env.put("ANTHROPIC_API_KEY", CLIENT_KEY);
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("DISABLE_ERROR_REPORTING", "1");
        env.put("NO_PROXY", "127.0.0.1,localhost");
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("claude did not finish in 180 s; stderr: " + read(err) + "; stdout: " + read(out));
        }
        String stdout = read(out);
        assertEquals(
                0, p.exitValue(), "claude exited " + p.exitValue() + "; stderr: " + read(err) + "; stdout: " + stdout);
        Map<String, Object> result = TestJson.parseObject(stdout.strip());
        assertNotNull(result.get("result"), stdout);
        assertEquals(Boolean.FALSE, result.get("is_error"), stdout);
        return result;
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
