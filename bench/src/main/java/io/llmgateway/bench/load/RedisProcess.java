package io.llmgateway.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} of the harness's own on a free loopback port, without persistence, stopped (and its
 * directory removed) on {@link #close()}. The programs start one rather than use a running server so that a
 * measurement starts from an empty store that nothing else writes to.
 */
final class RedisProcess implements AutoCloseable {
    private static final String BINARY = "redis-server";

    private final int port;
    private final Path dir;
    private final Process process;

    private RedisProcess(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** Whether {@code redis-server} is on the PATH (or in /usr/sbin, /usr/bin). */
    static boolean installed() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, BINARY))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", BINARY)) || Files.isExecutable(Path.of("/usr/bin", BINARY));
    }

    /** Starts a server and waits until it answers PING. */
    static RedisProcess start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("llmgw-bench-redis");
        Process p = new ProcessBuilder(List.of(
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
                        "no"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        RedisProcess redis = new RedisProcess(port, dir, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!redis.answersPing()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(dir.resolve("redis.log"), StandardCharsets.UTF_8);
                redis.close();
                throw new IOException("redis-server did not start on port " + port + ":\n" + log);
            }
            Thread.sleep(20);
        }
        return redis;
    }

    /** {@code redis://127.0.0.1:PORT/0}. */
    String uri() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    private boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(5);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
