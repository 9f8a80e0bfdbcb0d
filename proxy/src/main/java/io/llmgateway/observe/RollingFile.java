package io.llmgateway.observe;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/*
 * Design notes
 * - Used by one writer thread only; no locking.
 * - The file is opened for a batch of lines and closed after it (see InteractionLog), so between batches
 *   the gateway holds no file handle, and a file moved away or deleted by an outside tool is simply
 *   recreated. Size and day are therefore read from the file system at each open, not remembered.
 * - Rolls when a line would push the file past maxBytes, or when the file was last written on an earlier
 *   day: the current file is renamed NAME-YYYY-MM-DD-N.log (its day, the next free N) and writing goes on
 *   at once in a new file; the compressor (another thread) turns the archive into NAME-...-N.log.gz. Gzip
 *   of 100 MiB takes about a second, and on the writer thread it stalled the log long enough for a busy
 *   gateway to fill the queue and drop records. An archive left uncompressed by a stop is compressed after
 *   the next start. Archives older than the retention are deleted. Only regular files roll: a FIFO or
 *   device is written as it is.
 */
final class RollingFile {
    private static final Logger LOG = LogManager.getLogger(RollingFile.class);
    /** Bytes compressed between two yields of the core: ~0.1 ms of gzip at its fastest level. */
    private static final int COMPRESS_SLICE_BYTES = 32 * 1024;

    private final Path directory;
    private final String baseName;
    private final Path file;
    private final long maxBytes;
    private final int retentionDays;
    private final Clock clock;
    private final Executor compressor;

    private final ReusableBuffer buffer = new ReusableBuffer();
    private OutputStream out;
    private long size;
    private LocalDate day;
    private boolean purged;

    /**
     * @param baseName the file name without {@code .log}
     * @param maxBytes roll before a line would make the file bigger than this
     * @param retentionDays delete rolled files older than this
     * @param clock its zone decides where a day ends
     * @param compressor runs the compression of rolled files
     */
    RollingFile(Path directory, String baseName, long maxBytes, int retentionDays, Clock clock, Executor compressor) {
        this.directory = requireNonNull(directory, "directory");
        this.baseName = requireNonNull(baseName, "baseName");
        this.file = directory.resolve(baseName + ".log");
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 1)");
        }
        if (retentionDays < 1) {
            throw new IllegalArgumentException("retentionDays: " + retentionDays + " (expected: >= 1)");
        }
        this.maxBytes = maxBytes;
        this.retentionDays = retentionDays;
        this.clock = requireNonNull(clock, "clock");
        this.compressor = requireNonNull(compressor, "compressor");
    }

    Path path() {
        return file;
    }

    /** Appends one line (the bytes already end with a newline), rolling first when due. */
    void write(ByteArrayOutputStream line) throws IOException {
        LocalDate today = LocalDate.now(clock);
        if (out == null) {
            open(today);
        }
        if (day != null && (day.isBefore(today) || size > 0 && size + line.size() > maxBytes)) {
            roll();
            open(today);
        }
        line.writeTo(out);
        size += line.size();
        day = today;
    }

    /** Writes buffered lines out and closes the file until the next write. */
    void close() throws IOException {
        if (out != null) {
            out = null;
            buffer.closeFile();
        }
    }

    /** Closes after a failure, ignoring a second one. */
    void abandon() {
        try {
            close();
        } catch (IOException ignored) {
            // the first failure is the one reported
        }
    }

    private void open(LocalDate today) throws IOException {
        if (!Files.isDirectory(directory)) { // createDirectories alone throws and catches an exception each time
            Files.createDirectories(directory);
        }
        if (!purged) {
            purged = true;
            purge();
            compressLeftovers();
        }
        day = null;
        size = 0;
        if (Files.isRegularFile(file)) {
            size = Files.size(file);
            day = LocalDate.ofInstant(Files.getLastModifiedTime(file).toInstant(), clock.getZone());
            if (size > 0 && day.isBefore(today)) {
                roll();
                size = 0;
                day = null;
            }
        }
        // A FIFO nobody reads blocks here; that is the writer thread's problem, never a request's.
        out = buffer.attach(new FileOutputStream(file.toFile(), true));
    }

    private void roll() throws IOException {
        close();
        if (!Files.isRegularFile(file)) {
            return;
        }
        LocalDate fileDay = day != null
                ? day
                : LocalDate.ofInstant(Files.getLastModifiedTime(file).toInstant(), clock.getZone());
        Path archive;
        Path compressed;
        int n = 1;
        do {
            String name = baseName + '-' + fileDay + '-' + n++ + ".log";
            archive = directory.resolve(name);
            compressed = directory.resolve(name + ".gz");
        } while (Files.exists(compressed) || Files.exists(archive));
        Files.move(file, archive);
        size = 0;
        Path plain = archive;
        compressor.execute(() -> compress(plain));
        purge();
    }

    /** Gzips a rolled file next to itself, then deletes it; on failure the plain archive stays. */
    private static void compress(Path plain) {
        Path target = plain.resolveSibling(plain.getFileName() + ".gz");
        Path partial = plain.resolveSibling(target.getFileName() + ".tmp");
        try {
            try (InputStream in = Files.newInputStream(plain);
                    OutputStream gz = new FastGzipStream(Files.newOutputStream(partial))) {
                compressYielding(in, gz);
            }
            Files.move(partial, target);
            Files.delete(plain);
        } catch (IOException e) {
            LOG.warn("cannot compress {}: {}; it stays uncompressed", plain, e.toString());
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // the plain archive is complete; a stray partial file is harmless
            }
        }
    }

    /**
     * Copies {@code in} into the gzip stream a slice at a time, yielding the core after each slice. Compressing a
     * roll is a few hundred milliseconds of CPU in one go; on a machine with few cores the scheduler lets it run
     * a whole time slice (milliseconds) before an event loop that shares its core gets the core back, and the
     * requests of that moment wait for it. A yield after each ~0.1 ms of work lets a waiting event loop in
     * first; with nobody waiting it returns at once.
     */
    private static void compressYielding(InputStream in, OutputStream gz) throws IOException {
        byte[] slice = new byte[COMPRESS_SLICE_BYTES];
        int n;
        while ((n = in.read(slice)) > 0) {
            gz.write(slice, 0, n);
            Thread.yield();
        }
    }

    /** Archives a previous run rolled but did not get to compress. */
    private void compressLeftovers() throws IOException {
        try (DirectoryStream<Path> rolled = Files.newDirectoryStream(directory, baseName + "-*.log")) {
            for (Path p : rolled) {
                compressor.execute(() -> compress(p));
            }
        }
    }

    /** Deletes rolled files of this log older than the retention. */
    private void purge() throws IOException {
        Instant cutoff = Instant.ofEpochMilli(clock.millis() - TimeUnit.DAYS.toMillis(retentionDays));
        try (DirectoryStream<Path> rolled = Files.newDirectoryStream(directory, baseName + "-*.{log,log.gz}")) {
            for (Path p : rolled) {
                try {
                    FileTime modified = Files.getLastModifiedTime(p);
                    if (modified.toInstant().isBefore(cutoff)) {
                        Files.deleteIfExists(p);
                    }
                } catch (NoSuchFileException compressedMeanwhile) {
                    // the compressor replaced it by its .gz between the listing and now
                }
            }
        }
    }

    /**
     * The write buffer, kept for the life of the log: the file is opened for every batch, and a new 64 KiB
     * buffer each time was most of what the gateway allocated under load.
     */
    private static final class ReusableBuffer extends BufferedOutputStream {
        ReusableBuffer() {
            super(OutputStream.nullOutputStream(), 64 * 1024);
        }

        OutputStream attach(OutputStream file) {
            out = file;
            return this;
        }

        /** Flushes and closes the file; not {@link #close()}, after which the stream could not be reused. */
        void closeFile() throws IOException {
            OutputStream file = out;
            out = OutputStream.nullOutputStream();
            try {
                file.write(buf, 0, count);
            } finally {
                count = 0; // after a failure the lines are dropped (and counted) rather than kept for another file
                file.close();
            }
        }
    }

    /**
     * gzip at its fastest level: a busy gateway rolls 100 MiB every few seconds on the writer thread, where
     * the default level costs about three times the CPU for a few percent smaller archives.
     */
    private static final class FastGzipStream extends GZIPOutputStream {
        FastGzipStream(OutputStream out) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
