package io.llmgateway.bench.load;

import com.sun.management.OperatingSystemMXBean;
import io.llmgateway.bench.Args;
import io.llmgateway.observe.AttemptRecord;
import io.llmgateway.observe.InteractionLog;
import io.llmgateway.observe.RequestObserver;
import io.llmgateway.observe.RequestRecord;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * CPU per record of an interaction log writer, the writer thread included: PRODUCERS threads (standing in for
 * the event loops) hand records to the writer at a steady RATE a second, in a burst every millisecond; the
 * process's CPU time over the measured seconds, divided by the records, is what the log costs per request
 * (minus the producers' own work, which {@code --writer none} shows). Files do not roll during a run (1 GiB):
 * compressing a roll is the same gzip for both. Run one JVM per writer and alternate them; {@code --writer
 * same-lines} checks instead that both write the same bytes for the same records:
 *
 * <pre>java -cp bench/target/benchmarks.jar io.llmgateway.bench.load.InteractionLogCpu --writer gateway|log4j2|none|same-lines
 *     [--rate 20000] [--seconds 10] [--warmup 5] [--producers 2] [--dir DIR]</pre>
 */
public final class InteractionLogCpu {
    private InteractionLogCpu() {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String writer = args.value("--writer", "gateway");
        if (writer.equals("same-lines")) {
            sameLines();
            return;
        }
        int rate = args.intValue("--rate", 20_000);
        int seconds = args.intValue("--seconds", 10);
        int warmup = args.intValue("--warmup", 5);
        int producers = args.intValue("--producers", 2);
        Path dir = Files.createTempDirectory(
                Path.of(args.value("--dir", System.getProperty("java.io.tmpdir"))), "ilog-cpu");
        long maxFile = 1L << 30; // no roll during a run: compressing is the same work for both writers
        RequestObserver log;
        AutoCloseable closer;
        switch (writer) {
            case "gateway" -> {
                InteractionLog l = new InteractionLog(dir, 10_000, maxFile, 14, Clock.systemUTC());
                log = l;
                closer = l;
            }
            case "log4j2" -> {
                Log4jInteractionLog l = new Log4jInteractionLog(dir, 10_000, maxFile, 14);
                log = l;
                closer = l;
            }
            case "none" -> {
                log = r -> {};
                closer = () -> {};
            }
            default -> throw new IllegalArgumentException("--writer: " + writer + " (expected: gateway, log4j2, none)");
        }
        LongAdder sent = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Thread t = new Thread(() -> produce(log, rate / (double) producers, sent, stop), "producer-" + p);
            t.start();
            threads.add(t);
        }
        OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
        long cpu0 = os.getProcessCpuTime();
        long prod0 = cpu(tmx, threads);
        long n0 = sent.sum();
        long t0 = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long cpu1 = os.getProcessCpuTime();
        long prod1 = cpu(tmx, threads);
        long n1 = sent.sum();
        long t1 = System.nanoTime();
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        closer.close();
        long records = n1 - n0;
        long lines = lines(dir);
        double perRecord = (cpu1 - cpu0) / 1000.0 / records;
        double producersPerRecord = (prod1 - prod0) / 1000.0 / records;
        System.out.printf(
                "writer=%s rate=%.0f/s records=%d cpu_us_per_record=%.3f producers_us=%.3f rest_us=%.3f"
                        + " lines_in_file=%d sent=%d%n",
                writer,
                records / ((t1 - t0) / 1e9),
                records,
                perRecord,
                producersPerRecord,
                perRecord - producersPerRecord,
                lines,
                n1);
        delete(dir);
    }

    /** Both writers given the same records write the same bytes. */
    private static void sameLines() throws Exception {
        Path a = Files.createTempDirectory("ilog-gateway");
        Path b = Files.createTempDirectory("ilog-log4j2");
        try (InteractionLog gateway = new InteractionLog(a, 10_000, 1L << 30, 14, Clock.systemUTC());
                Log4jInteractionLog log4j2 = new Log4jInteractionLog(b, 10_000, 1L << 30, 14)) {
            for (int i = 0; i < 5000; i++) {
                RequestRecord r = new RequestRecord(
                        1_738_324_800_000L + i * 7L,
                        "req_" + i,
                        i % 3 == 0 ? null : "k",
                        "/chat/completions",
                        "gpt-4o",
                        "gpt-4o",
                        "openai",
                        List.of(new AttemptRecord("openai", "gpt-4o", "ok", 200, i)),
                        200,
                        i % 2 == 0,
                        i,
                        i,
                        1,
                        2,
                        3,
                        false,
                        null,
                        i % 5 == 0 ? "caf\u00e9 \"quoted\" \n" + "x".repeat(i) : null);
                gateway.onComplete(r);
                log4j2.onComplete(r);
            }
        }
        byte[] x = Files.readAllBytes(a.resolve("agent_interactions.log"));
        byte[] y = Files.readAllBytes(b.resolve("agent_interactions.log"));
        System.out.println(
                "same-lines: " + java.util.Arrays.equals(x, y) + " (" + x.length + " and " + y.length + " bytes)");
        delete(a);
        delete(b);
    }

    private static void produce(RequestObserver log, double perSecond, LongAdder sent, AtomicBoolean stop) {
        double perTick = perSecond / 1000;
        double owed = 0;
        long next = System.nanoTime();
        long time = System.currentTimeMillis();
        while (!stop.get()) {
            owed += perTick;
            for (; owed >= 1; owed--) {
                time += 1;
                log.onComplete(record(time));
                sent.increment();
            }
            next += 1_000_000;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private static RequestRecord record(long time) {
        return new RequestRecord(
                time,
                "req_01J8ZQ4T3K6V5YB2N7W9XH0D1C",
                null,
                "/chat/completions",
                "gpt-4o-mini",
                "gpt-4o-mini-2024-07-18",
                "openai",
                List.of(new AttemptRecord("openai", "gpt-4o-mini-2024-07-18", "ok", 200, 3)),
                200,
                false,
                3,
                3,
                24,
                12,
                36,
                false,
                null,
                null);
    }

    private static long cpu(ThreadMXBean tmx, List<Thread> threads) {
        long sum = 0;
        for (Thread t : threads) {
            sum += tmx.getThreadCpuTime(t.getId());
        }
        return sum;
    }

    private static long lines(Path dir) throws IOException {
        long n = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                if (p.getFileName().toString().endsWith(".log")) {
                    byte[] b = Files.readAllBytes(p);
                    for (byte x : b) {
                        n += x == '\n' ? 1 : 0;
                    }
                }
            }
        }
        return n;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
