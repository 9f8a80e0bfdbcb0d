package io.llmgateway.testing;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/** Splits a complete {@code text/event-stream} body into the data of its events, for assertions. */
public final class TestSse {

    private TestSse() {}

    /**
     * Returns the {@code data} of each event in order (multi-line data joined with {@code \n});
     * accepts LF, CRLF and CR line endings; ignores comments and other fields.
     */
    public static List<String> data(String body) {
        requireNonNull(body, "body");
        List<String> events = new ArrayList<>();
        StringBuilder data = null;
        for (String line : body.split("\r\n|\r|\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(data.toString());
                    data = null;
                }
            } else if (line.startsWith("data:")) {
                String value = line.substring(5);
                value = value.startsWith(" ") ? value.substring(1) : value;
                data = data == null
                        ? new StringBuilder(value)
                        : data.append('\n').append(value);
            }
        }
        return events;
    }
}
