package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/*
 * Design notes
 * - Atomic replacement: the new text goes to a temporary file in the same directory, is forced to disk,
 *   gets the old file's permissions, and is renamed over the file. A reader (or a crash) sees the old
 *   file or the new one, never half of each.
 * - The previous content is copied to FILE.bak first, so one bad edit is always one copy away from undone.
 * - Docker bind-mounts config.yaml as a single file: the mount point cannot be replaced by a rename
 *   (EBUSY), and the container user often cannot create files next to it. Then the file is rewritten in
 *   place (truncate, write, force): not atomic, which is why the backup is taken first.
 * - Callers serialise writes (one admin thread); this class does not lock.
 */
/** Writes a config file back to disk without ever leaving it half-written when the file system allows. */
public final class ConfigFileWriter {
    private static final Logger LOG = LogManager.getLogger(ConfigFileWriter.class);

    /** How the file was written. */
    public enum Mode {
        /** Temporary file renamed over the old one. */
        ATOMIC,
        /** Rewritten in place because the rename was impossible (e.g. a single-file bind mount). */
        IN_PLACE
    }

    /** What happened; {@code warnings} say what could not be done (e.g. no backup), safe to show. */
    public record Result(Mode mode, List<String> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    /** Renames {@code from} over {@code to}; replaceable so tests can play a bind mount. */
    @FunctionalInterface
    interface Mover {
        void move(Path from, Path to) throws IOException;
    }

    private final Mover mover;

    public ConfigFileWriter() {
        this(ConfigFileWriter::atomicMove);
    }

    ConfigFileWriter(Mover mover) {
        this.mover = requireNonNull(mover, "mover");
    }

    /** The backup of {@code file}: the same name with {@code .bak} appended. */
    public static Path backupOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".bak");
    }

    /**
     * Replaces the content of {@code file} with {@code text} (UTF-8), keeping the previous content in
     * {@link #backupOf(Path)}.
     *
     * @throws IOException when the file could be written neither atomically nor in place; it then
     *                     still holds its previous content unless the in-place write failed midway
     */
    public Result write(Path file, String text) throws IOException {
        requireNonNull(file, "file");
        requireNonNull(text, "text");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<String> warnings = new ArrayList<>();
        if (Files.exists(file)) {
            try {
                Files.copy(file, backupOf(file), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                warnings.add("no backup written (" + backupOf(file).getFileName() + ": " + reason(e) + ")");
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
            writeAndForce(temp, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            copyPermissions(file, temp);
            mover.move(temp, file);
            return new Result(Mode.ATOMIC, warnings);
        } catch (IOException e) {
            LOG.info("config: cannot replace {} by a rename ({}); rewriting it in place", file, reason(e));
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a stray temporary file is harmless
                }
            }
        }
        writeAndForce(
                file, bytes, StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        return new Result(Mode.IN_PLACE, warnings);
    }

    private static void atomicMove(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("atomic rename not supported here", e);
        }
    }

    private static void writeAndForce(Path path, byte[] bytes, StandardOpenOption... options) throws IOException {
        try (FileChannel ch = FileChannel.open(path, options)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    private static void copyPermissions(Path from, Path to) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(from);
            Files.setPosixFilePermissions(to, perms);
        } catch (IOException | UnsupportedOperationException e) {
            // not POSIX, or no original: the temporary file's defaults will do
        }
    }

    private static String reason(IOException e) {
        String name = e.getClass().getSimpleName();
        String reason = e instanceof java.nio.file.FileSystemException fse ? fse.getReason() : e.getMessage();
        return reason == null ? name : name + ": " + reason;
    }
}
