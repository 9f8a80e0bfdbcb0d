package io.llmgateway.observe;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/*
 * Design notes
 * - The event loop only offers the record to a bounded queue: no formatting, no I/O, no lock (a lock-free
 *   queue bounded by a counter, so event loops never park on each other or on the writer). A full queue
 *   (the disk cannot keep up, or a write blocks) drops the record and counts it; requests are never
 *   slowed down by their log.
 * - One writer thread formats and writes. It exists only while there is work: it is started on demand
 *   (one drain task at a time, guarded by `scheduled`) and ends after a few idle seconds, and the file is
 *   closed after every batch, so an idle gateway holds no thread and no handle on its log.
 * - It writes in batches BATCH_MILLIS apart, and keeps looking every BATCH_MILLIS for a few seconds after
 *   the last record, so that event loops do not wake it for every record (a futex wake and a context switch
 *   each: 5% of the event loops' time on a 2-core machine under load, and at low traffic the wake-up sits
 *   between the request's end and its answer going out).
 * - A write that fails (disk full, directory not writable) drops the record and counts it; the file is
 *   retried after a second, and the failure is reported in app.log at most once a minute.
 * - A graceful stop waits (close(), up to CLOSE_WAIT_MILLIS) until the queue is written; records still queued
 *   when the process is killed are lost.
 * - Why not log4j2's appenders, as for app.log: the same file written by a dedicated log4j2 logger (an Async
 *   appender with a bounded queue that drops when full, a RollingFile appender rolling daily and by size with
 *   gzip and a Delete action for the retention, and a layout that writes this class's line into log4j2's
 *   buffer: every line byte for byte the same; bench's Log4jInteractionLog) costs more CPU per request than the
 *   1 us the project allows for the move. bench's InteractionLogCpu (two threads hand records over at a steady
 *   rate; the process's CPU per record, writer threads included; 5 interleaved rounds on 2 shared, heavily
 *   loaded cores) measured log4j2 at +2.75 us a record at 20,000 records/s (median; +0.3 to +4.6) and at
 *   +23.5 us at 2,000/s (+19 to +52). Its queue wakes the writer thread for every record that finds it waiting
 *   (a futex wake from the event loop) and its file appender flushes whenever the queue is empty, a write(2)
 *   per record below saturation: the batches above exist to avoid both. At 20,000/s its 10,000-record queue
 *   also overflowed in 4 runs of 5 (up to 5% of the records dropped), this writer's in none. bench/load.sh
 *   could not settle it: with load averages of 20-29 from other work its gateway CPU per request varied from
 *   80 to 310 us between runs of one build, two orders of magnitude above the difference. Besides, log4j2
 *   keeps the file open (a file moved away by another tool is not recreated) and rolls by its own clock
 *   rather than the injected one.
 */
/** Writes {@code agent_interactions.log}: one JSON line per proxied request, off the event loops. */
public final class InteractionLog implements RequestObserver, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(InteractionLog.class);
    static final String FILE_NAME = "agent_interactions";
    private static final long RETRY_MILLIS = 1000;
    private static final long WARN_EVERY_MILLIS = 60_000;
    /** How long the writer waits for more records after a batch before it lets a new record wake it. */
    static final long BATCH_MILLIS = 20;
    /** How long the writer keeps polling every BATCH_MILLIS after the last record before it ends its run. */
    private static final long KEEP_POLLING_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final long CLOSE_WAIT_MILLIS = 2000;

    private final RollingFile file;
    private final ConcurrentLinkedQueue<RequestRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int capacity;
    private final ThreadPoolExecutor writer;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final InteractionJson json = new InteractionJson();
    private final LongAdder written = new LongAdder();
    private final LongAdder droppedQueueFull = new LongAdder();
    private final LongAdder droppedWriteFailed = new LongAdder();
    private final AtomicLong lastQueueWarning = new AtomicLong(Long.MIN_VALUE / 2);
    private volatile boolean closing;
    private final AtomicInteger writerStarts = new AtomicInteger();
    private long retryAt; // writer thread only; 0 when writing is not held back
    private long lastWriteWarning = Long.MIN_VALUE / 2; // writer thread only

    /**
     * @param directory where the file goes (created when missing)
     * @param queueSize records that may wait for the writer
     * @param maxFileBytes roll-over size
     * @param retentionDays how long rolled files are kept
     * @param clock wall clock (its zone decides where a day ends)
     */
    public InteractionLog(Path directory, int queueSize, long maxFileBytes, int retentionDays, Clock clock) {
        if (queueSize < 1) {
            throw new IllegalArgumentException("queueSize: " + queueSize + " (expected: >= 1)");
        }
        this.writer = onDemandThread("interaction-log");
        this.file = new RollingFile(
                requireNonNull(directory, "directory"),
                FILE_NAME,
                maxFileBytes,
                retentionDays,
                clock,
                onDemandThread("interaction-log-gzip"));
        this.capacity = queueSize;
    }

    /** One daemon thread that exists while it has work (and 5 s after), running tasks in order. */
    private static ThreadPoolExecutor onDemandThread(String name) {
        ThreadPoolExecutor e = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    /** The file written. */
    public Path path() {
        return file.path();
    }

    @Override
    public void onComplete(RequestRecord record) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            droppedQueueFull.increment();
            long now = System.currentTimeMillis();
            long last = lastQueueWarning.get();
            if (now - last >= WARN_EVERY_MILLIS && lastQueueWarning.compareAndSet(last, now)) {
                LOG.warn(
                        "interaction log queue full ({} records): dropping records; is {} writable and fast "
                                + "enough? ({} dropped so far)",
                        capacity,
                        file.path(),
                        droppedQueueFull.sum());
            }
            return;
        }
        queue.add(record);
        if (scheduled.compareAndSet(false, true)) {
            writerStarts.incrementAndGet();
            writer.execute(this::drain);
        }
    }

    /** Records written since start. */
    public long written() {
        return written.sum();
    }

    /** Records dropped because the queue was full. */
    public long droppedQueueFull() {
        return droppedQueueFull.sum();
    }

    /** Records dropped because writing them failed. */
    public long droppedWriteFailed() {
        return droppedWriteFailed.sum();
    }

    /** Times an event loop handed the queue to an idle writer (a thread wake-up each); for tests. */
    int writerStarts() {
        return writerStarts.get();
    }

    /** Records waiting for the writer. */
    public int queued() {
        return Math.max(0, queued.get());
    }

    /** Waits until the records queued so far are written (a graceful stop loses none), at most 2 s. */
    @Override
    public void close() {
        closing = true; // the writer stops polling once the queue is empty
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        while ((scheduled.get() || !queue.isEmpty()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void drain() {
        long lastRecordNanos = System.nanoTime();
        for (; ; ) {
            RequestRecord r;
            boolean took = false;
            while ((r = queue.poll()) != null) {
                queued.decrementAndGet();
                write(r);
                took = true;
            }
            if (took) {
                lastRecordNanos = System.nanoTime();
            }
            try {
                file.close();
            } catch (IOException e) {
                failed(e);
            }
            // Still "scheduled" while it lingers: records arriving meanwhile wait for the next pass instead of
            // each waking this thread (a wake-up per request cost the event loops more than the request).
            linger();
            if (!queue.isEmpty()) {
                continue;
            }
            if (!closing && System.nanoTime() - lastRecordNanos < KEEP_POLLING_NANOS) {
                // Polls a while after the last record: a gateway answering a request every few hundred
                // milliseconds would otherwise wake this thread from the event loop for each one, just before
                // the answer goes out (~0.1 ms more per request on two cores when idle in between).
                continue;
            }
            scheduled.set(false);
            // A record offered after the last poll but before the flag was cleared found it set and did not
            // schedule: take it now, unless another drain got scheduled in between.
            if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private static void linger() {
        try {
            Thread.sleep(BATCH_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(RequestRecord r) {
        if (retryAt != 0) { // the clock is read only while a failure holds writing back
            if (System.currentTimeMillis() < retryAt) {
                droppedWriteFailed.increment();
                return;
            }
            retryAt = 0;
        }
        try {
            file.write(json.format(r));
            written.increment();
        } catch (IOException | RuntimeException e) {
            droppedWriteFailed.increment();
            failed(e);
        }
    }

    private void failed(Exception e) {
        file.abandon();
        long now = System.currentTimeMillis();
        retryAt = now + RETRY_MILLIS;
        if (now - lastWriteWarning >= WARN_EVERY_MILLIS) {
            lastWriteWarning = now;
            LOG.warn(
                    "cannot write the interaction log {}: {}; records are dropped until it works again "
                            + "({} dropped so far)",
                    file.path(),
                    e.toString(),
                    droppedWriteFailed.sum());
        }
    }
}
