package io.llmgateway.testing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Mutable while being built, never after: each option copies it first. */
final class BehaviourSpec implements Cloneable {
    final Behaviour.Kind kind;
    int status = 200;
    List<String[]> headers = new ArrayList<>();
    Duration delay = Duration.ZERO;
    Duration pace = Duration.ZERO;
    int dripBytes;
    String contentType;
    byte[] bytes;
    List<String> rawEvents;
    Behaviour.Renderer<String> render;
    Behaviour.Renderer<List<String>> renderEvents;
    String content;
    List<String> deltas = List.of();
    long promptTokens;
    long completionTokens;
    int dimensions;
    boolean splitEvents;
    boolean crlf;
    boolean usageSuppressed;
    int resetAfter = -1;
    int stallAfter = -1;
    Behaviour otherwise;
    Behaviour whenStreaming;

    BehaviourSpec(Behaviour.Kind kind) {
        this.kind = kind;
    }

    BehaviourSpec copy() {
        try {
            BehaviourSpec s = (BehaviourSpec) clone();
            s.headers = new ArrayList<>(headers);
            return s;
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    static int checkStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100-599)");
        }
        return status;
    }

    static long checkTokens(String name, long tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException(name + ": " + tokens + " (expected: >= 0)");
        }
        return tokens;
    }

    static int checkCount(String name, int count) {
        if (count < 0) {
            throw new IllegalArgumentException(name + ": " + count + " (expected: >= 0)");
        }
        return count;
    }

    static Duration checkDuration(String name, Duration d) {
        requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
        }
        return d;
    }
}
