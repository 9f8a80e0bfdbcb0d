package io.llmgateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} on a free loopback port, without persistence, for tests of the shared
 * limits store and for the load harness's admission measurement. {@link #kill()} and {@link #start()} simulate an outage (the restarted server is empty,
 * as a real one without persistence would be). Tests using it are skipped, with a message saying why,
 * only when {@code redis-server} is not installed ({@code .ci/run} installs it).
 */
public final class RedisServer implements AutoCloseable {
    private static final String BINARY = "redis-server";

    private final int port;
    private final Path dir;
    private Process process;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Starts a server, or skips the calling test when redis-server is not installed. */
    public static RedisServer startOrSkip() throws IOException, InterruptedException {
        RedisServer server = notStartedOrSkip();
        server.start();
        return server;
    }

    /** Starts a server; the caller checks {@link #installed()} first (outside tests: nothing to skip). */
    public static RedisServer started() throws IOException, InterruptedException {
        RedisServer server = new RedisServer(freePort(), Files.createTempDirectory("llmgw-redis"));
        server.start();
        return server;
    }

    /** A server with its port chosen but not started yet (nothing listens there until {@link #start()}). */
    public static RedisServer notStartedOrSkip() throws IOException {
        Assumptions.assumeTrue(
                installed(),
                "redis-server is not installed (apt-get install redis-server): "
                        + "skipping the shared limits store test");
        return new RedisServer(freePort(), Files.createTempDirectory("llmgw-redis"));
    }

    public static boolean installed() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, BINARY))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", BINARY)) || Files.isExecutable(Path.of("/usr/bin", BINARY));
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT/0}. */
    public String uri() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /** Starts (again, on the same port) and waits until it answers PING. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        process = new ProcessBuilder(List.of(
                        BINARY,
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toString(),
                        "--protected-mode",
                        "no",
                        // DEBUG SLEEP lets a test make this server slow.
                        "--enable-debug-command",
                        "local"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        try {
            Await.until("redis-server answers", () -> ping() || !process.isAlive(), Duration.ofSeconds(10));
        } catch (AssertionError timedOut) {
            // reported below with the server's log
        }
        if (!ping()) {
            String log = Files.exists(dir.resolve("redis.log")) ? Files.readString(dir.resolve("redis.log")) : "";
            process.destroyForcibly();
            throw new IOException("redis-server did not start on port " + port + ":\n" + log);
        }
    }

    /** Kills the server at once (SIGKILL), as a crash would; its data is gone. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Makes the server unresponsive for {@code millis} (DEBUG SLEEP); returns once it has stopped answering. */
    public void stall(long millis) throws InterruptedException {
        Thread t = new Thread(
                () -> {
                    try {
                        command("DEBUG SLEEP " + millis / 1000.0);
                    } catch (IOException ignored) {
                        // the test notices through its own assertions
                    }
                },
                "redis-stall");
        t.setDaemon(true);
        t.start();
        Await.until("redis-server sleeps", () -> !answersWithin(50), Duration.ofMillis(Math.max(1000, millis / 2)));
    }

    /** Whether a PING is answered within {@code millis}. */
    private boolean answersWithin(int millis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(millis);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            return s.getInputStream().read() != -1;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends one inline command and returns the first line of the reply (e.g. {@code +PONG}, {@code :3}). */
    public String command(String line) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder reply = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    reply.append((char) c);
                }
            }
            return reply.toString();
        }
    }

    private boolean ping() {
        try {
            return "+PONG".equals(command("PING"));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
