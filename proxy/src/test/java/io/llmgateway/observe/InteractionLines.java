package io.llmgateway.observe;

import io.llmgateway.testing.Await;
import io.llmgateway.testing.TestJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads {@code agent_interactions.log} in tests, waiting for the asynchronous writer. */
final class InteractionLines {
    private InteractionLines() {}

    /** Waits until the log in {@code directory} has at least {@code count} lines; returns each parsed. */
    static List<Map<String, Object>> await(Path directory, int count) throws IOException, InterruptedException {
        Path file = directory.resolve("agent_interactions.log");
        List<List<String>> last = new ArrayList<>(List.of(List.of()));
        Await.until(count + " interaction lines", () -> {
            try {
                last.set(0, read(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return last.get(0).size() >= count;
        });
        List<String> lines = last.get(0);
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : lines) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) TestJson.parse(line);
            out.add(m);
        }
        return out;
    }

    static List<String> read(Path file) throws IOException {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>();
            // A line the writer has not finished yet is left for the next read.
            int end = text.lastIndexOf('\n') + 1;
            for (String l : text.substring(0, end).split("\n")) {
                if (!l.isEmpty()) {
                    lines.add(l);
                }
            }
            return lines;
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }
}
