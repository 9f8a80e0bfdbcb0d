package io.llmgateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.limit.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollingFileTest {
    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2025-03-10T12:00:00Z");

    private static ByteArrayOutputStream line(String text) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((text + "\n").getBytes(StandardCharsets.UTF_8));
        return b;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String gunzip(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void write_appendsAcrossReopen_andCreatesTheDirectory() throws IOException {
        Path logs = dir.resolve("a/b");
        RollingFile f = new RollingFile(logs, "x", 1000, 7, clock, Runnable::run);

        f.write(line("one"));
        f.close();
        f.write(line("two"));
        f.close();

        assertEquals("one\ntwo\n", Files.readString(logs.resolve("x.log")));
    }

    @Test
    void write_keepsEveryByteOverManyBatches_withLinesLargerAndSmallerThanTheBuffer() throws IOException {
        RollingFile f = new RollingFile(dir, "x", 100L << 20, 7, clock, Runnable::run);
        StringBuilder expected = new StringBuilder();
        for (int batch = 0; batch < 5; batch++) {
            for (int i = 0; i < 3; i++) {
                String text = (batch + "-" + i + "-").repeat(i == 1 ? 20_000 : 3); // the middle one ~100 KB
                f.write(line(text));
                expected.append(text).append('\n');
            }
            f.close();
            assertEquals(expected.toString(), Files.readString(dir.resolve("x.log")), "after batch " + batch);
        }
    }

    @Test
    void write_rollsBeforeALineWouldPassTheSize() throws IOException {
        RollingFile f = new RollingFile(dir, "x", 10, 7, clock, Runnable::run);

        f.write(line("12345")); // 6 bytes
        f.write(line("abc")); // 10: still fits
        f.write(line("next")); // would be 15: rolls first
        f.close();
        f.write(line("more")); // 10 after reopening: fits
        f.write(line("last")); // rolls again
        f.close();

        assertEquals(List.of("x-2025-03-10-1.log.gz", "x-2025-03-10-2.log.gz", "x.log"), names());
        assertEquals("12345\nabc\n", gunzip(dir.resolve("x-2025-03-10-1.log.gz")));
        assertEquals("next\nmore\n", gunzip(dir.resolve("x-2025-03-10-2.log.gz")));
        assertEquals("last\n", Files.readString(dir.resolve("x.log")));
    }

    @Test
    void roll_compressesAFileOfManySlicesWhole() throws IOException {
        // The compressor works in 32 KiB slices (yielding the core between them): ~300 KB of lines crosses many,
        // and no slice may be lost, repeated or cut.
        RollingFile f = new RollingFile(dir, "x", 400_000, 7, clock, Runnable::run);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; expected.length() < 300_000; i++) {
            String text = "{\"n\":" + i + ",\"text\":\"" + "abcdefghij".substring(i % 10) + "\"}";
            f.write(line(text));
            expected.append(text).append('\n');
        }
        f.write(line("x".repeat(200_000))); // does not fit: rolls the ~300 KB file first
        f.close();

        assertEquals(expected.toString(), gunzip(dir.resolve("x-2025-03-10-1.log.gz")));
    }

    @Test
    void write_aLineLongerThanTheLimitStillGoesIntoAnEmptyFile() throws IOException {
        RollingFile f = new RollingFile(dir, "x", 4, 7, clock, Runnable::run);

        f.write(line("longer than four"));
        f.close();

        assertEquals(List.of("x.log"), names());
    }

    @Test
    void write_rollsAtTheFirstWriteOfANewDay_namedAfterTheFilesDay() throws IOException {
        RollingFile f = new RollingFile(dir, "x", 1000, 7, clock, Runnable::run);
        f.write(line("monday"));
        f.close();
        Files.setLastModifiedTime(dir.resolve("x.log"), FileTime.from(Instant.parse("2025-03-10T23:59:00Z")));

        clock.advance(Duration.ofDays(1));
        f.write(line("tuesday"));
        f.close();

        assertEquals("monday\n", gunzip(dir.resolve("x-2025-03-10-1.log.gz")));
        assertEquals("tuesday\n", Files.readString(dir.resolve("x.log")));
    }

    @Test
    void write_rollsWhileOpen_whenTheDayChanges() throws IOException {
        RollingFile f = new RollingFile(dir, "x", 1000, 7, clock, Runnable::run);
        f.write(line("before midnight"));
        clock.advance(Duration.ofDays(1));
        f.write(line("after midnight"));
        f.close();

        assertEquals("before midnight\n", gunzip(dir.resolve("x-2025-03-10-1.log.gz")));
        assertEquals("after midnight\n", Files.readString(dir.resolve("x.log")));
    }

    @Test
    void open_deletesRolledFilesOlderThanTheRetention_only() throws IOException {
        Path old = Files.writeString(dir.resolve("x-2025-03-01-1.log.gz"), "old");
        Files.setLastModifiedTime(old, FileTime.from(Instant.parse("2025-03-02T00:00:00Z")));
        Path recent = Files.writeString(dir.resolve("x-2025-03-08-1.log.gz"), "recent");
        Files.setLastModifiedTime(recent, FileTime.from(Instant.parse("2025-03-08T00:00:00Z")));
        Path foreign = Files.writeString(dir.resolve("app-2025-03-01-1.log.gz"), "not ours");
        Files.setLastModifiedTime(foreign, FileTime.from(Instant.parse("2025-03-02T00:00:00Z")));

        RollingFile f = new RollingFile(dir, "x", 1000, 7, clock, Runnable::run);
        f.write(line("now"));
        f.close();

        assertFalse(Files.exists(old));
        assertTrue(Files.exists(recent));
        assertTrue(Files.exists(foreign));
    }

    @Test
    void roll_leavesCompressionToTheCompressor_andWritingGoesOnMeanwhile() throws IOException {
        List<Runnable> compressions = new ArrayList<>();
        RollingFile f = new RollingFile(dir, "x", 10, 7, clock, compressions::add);

        f.write(line("12345"));
        f.write(line("abc"));
        f.write(line("next")); // rolls: renamed, not compressed yet
        f.close();

        assertEquals(List.of("x-2025-03-10-1.log", "x.log"), names());
        assertEquals("12345\nabc\n", Files.readString(dir.resolve("x-2025-03-10-1.log")));
        f.write(line("x"));
        f.write(line("rolls")); // the plain archive's number is taken too
        f.close();
        assertEquals(List.of("x-2025-03-10-1.log", "x-2025-03-10-2.log", "x.log"), names());

        compressions.forEach(Runnable::run);
        assertEquals(List.of("x-2025-03-10-1.log.gz", "x-2025-03-10-2.log.gz", "x.log"), names());
        assertEquals("12345\nabc\n", gunzip(dir.resolve("x-2025-03-10-1.log.gz")));
        assertEquals("next\nx\n", gunzip(dir.resolve("x-2025-03-10-2.log.gz")));
    }

    @Test
    void open_compressesArchivesAStoppedRunLeftPlain() throws IOException {
        Files.writeString(dir.resolve("x-2025-03-09-1.log"), "left\n");
        Files.writeString(dir.resolve("x-2025-03-09-1.log.gz.tmp"), "half a gzip");

        RollingFile f = new RollingFile(dir, "x", 1000, 7, clock, Runnable::run);
        f.write(line("now"));
        f.close();

        assertEquals(List.of("x-2025-03-09-1.log.gz", "x.log"), names());
        assertEquals("left\n", gunzip(dir.resolve("x-2025-03-09-1.log.gz")));
    }
}
