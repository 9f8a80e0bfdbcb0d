package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileWriterTest {
    @TempDir
    Path dir;

    private List<String> filesIn(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void write_replacesAtomicallyAndKeepsTheOldContentAsBackup() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "old: 1\n");
        ConfigFileWriter.Result r = new ConfigFileWriter().write(file, "new: 2\n");
        assertEquals(ConfigFileWriter.Mode.ATOMIC, r.mode());
        assertEquals(List.of(), r.warnings());
        assertEquals("new: 2\n", Files.readString(file));
        assertEquals("old: 1\n", Files.readString(dir.resolve("config.yaml.bak")));
        assertEquals(List.of("config.yaml", "config.yaml.bak"), filesIn(dir), "no temporary file left");
    }

    @Test
    void write_keepsTheFilesPermissions() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "old: 1\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        new ConfigFileWriter().write(file, "new: 2\n");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void write_renameRefused_likeASingleFileBindMount_rewritesInPlace() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "old: 1\n");
        Object inode = Files.getAttribute(file, "unix:ino");
        ConfigFileWriter writer = new ConfigFileWriter((from, to) -> {
            throw new FileSystemException(from.toString(), to.toString(), "Device or resource busy");
        });
        ConfigFileWriter.Result r = writer.write(file, "new: 2\n");
        assertEquals(ConfigFileWriter.Mode.IN_PLACE, r.mode());
        assertEquals("new: 2\n", Files.readString(file));
        assertEquals(inode, Files.getAttribute(file, "unix:ino"), "the same file (the mount point) was written");
        assertEquals("old: 1\n", Files.readString(dir.resolve("config.yaml.bak")));
        assertEquals(List.of("config.yaml", "config.yaml.bak"), filesIn(dir), "temporary file removed");
    }

    @Test
    void write_shorterContentInPlace_leavesNoTail() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "a much longer old content: 1234567890\n");
        new ConfigFileWriter((from, to) -> {
                    throw new FileSystemException("busy");
                })
                .write(file, "b: 1\n");
        assertEquals("b: 1\n", Files.readString(file));
    }

    @Test
    void write_backupImpossible_writesAnywayWithAWarning() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "old: 1\n");
        Files.createDirectory(dir.resolve("config.yaml.bak")); // a directory cannot be replaced by a copy
        Files.writeString(dir.resolve("config.yaml.bak").resolve("x"), "x");
        ConfigFileWriter.Result r = new ConfigFileWriter().write(file, "new: 2\n");
        assertEquals("new: 2\n", Files.readString(file));
        assertEquals(1, r.warnings().size());
        assertTrue(
                r.warnings().get(0).startsWith("no backup written (config.yaml.bak"),
                r.warnings().get(0));
    }

    @Test
    void write_newFile_noBackup() throws Exception {
        Path file = dir.resolve("fresh.yaml");
        new ConfigFileWriter().write(file, "a: 1\n");
        assertEquals("a: 1\n", Files.readString(file));
        assertFalse(Files.exists(ConfigFileWriter.backupOf(file)));
    }
}
