package io.llmgateway.artifact;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/*
 * Design notes
 * - Readiness is the start-up line on stdout ("listening on http://HOST:PORT"): it also carries the port, so
 *   every case passes --port 0 and never races another process for a port, and no case sleeps blindly.
 * - stdout is drained by a thread of its own: a full pipe would stall the gateway's console appender. stderr
 *   goes to a file, read after the stop.
 * - Process.destroy() sends SIGTERM on Linux, what docker stop and systemd send.
 * - stderr may hold the JVM's own "WARNING: ..." lines (newer JDKs print them about Netty's use of Unsafe);
 *   anything else there (SLF4J's "no providers", log4j's status errors, a stack trace) fails the case.
 */
/**
 * The shaded jar as users run it: {@code java -jar llm-gateway.jar ARGS} in a working directory of its own, so
 * that {@code log/app.log} lands there. {@link #assertStopsCleanly()} sends SIGTERM and checks the exit code,
 * app.log and stderr.
 */
final class GatewayProcess implements AutoCloseable {
    /** The system property naming the jar under test; failsafe sets it (proxy/pom.xml). */
    static final String JAR_PROPERTY = "llmgateway.jar";

    private static final String DEFAULT_JAR = "target/llm-gateway.jar";
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:\\s]+:(\\d+) ");
    private static final Pattern ERROR_LINE = Pattern.compile("^\\S+ ERROR ", Pattern.MULTILINE);
    /** A bound, not a wait: generous, for CI machines shared with other builds. */
    private static final long START_SECONDS = 60;

    private static final long STOP_SECONDS = 20;

    private final Process process;
    private final Path workDir;
    private final Path stderrFile;
    private final StringBuffer stdout = new StringBuffer();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Thread stdoutReader;

    private GatewayProcess(Process process, Path workDir, Path stderrFile) {
        this.process = process;
        this.workDir = workDir;
        this.stderrFile = stderrFile;
        stdoutReader = new Thread(this::drainStdout, "gateway-stdout-" + process.pid());
        stdoutReader.setDaemon(true);
        stdoutReader.start();
    }

    /**
     * Runs {@code java -Xmx256m -jar llm-gateway.jar ARGS} in {@code workDir} and waits until it listens.
     * Pass {@code --port 0}; the port it chose is {@link #port()}.
     */
    static GatewayProcess start(Path workDir, String... args) throws IOException, InterruptedException {
        return launch(workDir, args).awaitReady();
    }

    /** Like {@link #start}, without waiting: several instances can start at once, then {@link #awaitReady()}. */
    static GatewayProcess launch(Path workDir, String... args) throws IOException {
        requireNonNull(workDir, "workDir");
        Path jar = jar();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        Files.createDirectories(workDir);
        Path stderr = workDir.resolve("stderr.txt");
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectError(stderr.toFile())
                .start();
        return new GatewayProcess(process, workDir, stderr);
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY, DEFAULT_JAR)).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            fail("no gateway jar at " + jar + ": run these tests through `mvn verify`, which builds it first");
        }
        return jar;
    }

    private void drainStdout() {
        try (BufferedReader in = process.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                stdout.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            // The process is gone; awaitReady and the stop report what it printed.
        }
        port.completeExceptionally(new IllegalStateException("stdout ended before the start-up line"));
    }

    /** Waits until it listens (the start-up line); fails with its output when it exits or takes too long. */
    GatewayProcess awaitReady() throws InterruptedException {
        try {
            port.get(START_SECONDS, TimeUnit.SECONDS);
            return this;
        } catch (ExecutionException | TimeoutException e) {
            // stdout may end a moment before the process has exited.
            boolean exited = e instanceof ExecutionException && process.waitFor(STOP_SECONDS, TimeUnit.SECONDS);
            String what = exited
                    ? "exited with code " + process.exitValue() + " before it was ready"
                    : "did not start within " + START_SECONDS + " s";
            process.destroyForcibly();
            process.waitFor(STOP_SECONDS, TimeUnit.SECONDS);
            stdoutReader.join(TimeUnit.SECONDS.toMillis(5));
            throw new AssertionError("the gateway " + what + output());
        }
    }

    /** The port the gateway listens on. */
    int port() {
        return port.join();
    }

    GatewayClient client() {
        return new GatewayClient(port());
    }

    /** What it printed on stdout so far. */
    String stdout() {
        return stdout.toString();
    }

    /** The working directory's {@code log/app.log}. */
    String appLog() throws IOException {
        Path file = workDir.resolve("log").resolve("app.log");
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    /**
     * Sends SIGTERM and asserts: exit code 0 in time; app.log written (start-up and stop), without an ERROR
     * line or a stack trace; nothing on stderr but the JVM's own warnings.
     */
    void assertStopsCleanly() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the gateway did not exit within " + STOP_SECONDS + " s of SIGTERM" + output());
        }
        stdoutReader.join(TimeUnit.SECONDS.toMillis(5));
        assertEquals(0, process.exitValue(), "exit code after SIGTERM" + output());

        String log = appLog();
        assertTrue(log.contains("listening on http://"), "app.log lacks the start-up line" + output());
        assertTrue(log.contains("stopped"), "app.log lacks the stop line" + output());
        assertFalse(ERROR_LINE.matcher(log).find(), "app.log has an ERROR line" + output());
        assertFalse(log.contains("\tat ") || log.contains("Exception"), "app.log has a stack trace" + output());
        assertEquals("", unexpectedStderr(), "stderr" + output());
    }

    private String unexpectedStderr() throws IOException {
        if (!Files.exists(stderrFile)) {
            return "";
        }
        return Files.readAllLines(stderrFile, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.startsWith("WARNING: "))
                .collect(Collectors.joining("\n"));
    }

    private String output() {
        String stderr;
        try {
            stderr = Files.exists(stderrFile) ? Files.readString(stderrFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            stderr = "(unreadable: " + e + ")";
        }
        String log;
        try {
            log = appLog();
        } catch (IOException e) {
            log = "(unreadable: " + e + ")";
        }
        return "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr + "\n--- app.log ---\n" + log;
    }

    /** Kills the process if a failed case left it running. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(STOP_SECONDS, TimeUnit.SECONDS);
        }
    }
}
