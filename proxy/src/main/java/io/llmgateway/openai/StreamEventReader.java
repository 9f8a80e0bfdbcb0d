package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.Usage;
import io.llmgateway.tokens.TokenEstimator;
import io.llmgateway.util.Transcript;
import java.io.IOException;

/**
 * Reads the JSON of a streamed answer's events (Chat Completions, legacy Completions and Responses API
 * events): keeps the last usage, counts the tokens of the completion deltas (content, reasoning, refusals,
 * tool calls) and, when asked, assembles their text. One instance per stream, used from one thread.
 */
final class StreamEventReader {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    private final TokenEstimator estimator;
    private final String encoding;
    private final UsageBuilder usageBuilder = new UsageBuilder();
    private Usage usage;
    private long completionTokens;
    private Transcript transcript; // only when asked for

    /** @param encoding the encoding to count deltas with (see {@link TokenEstimator#encodingFor}); null means cl100k_base */
    StreamEventReader(TokenEstimator estimator, String encoding) {
        this.estimator = requireNonNull(estimator, "estimator");
        this.encoding = encoding;
    }

    /** The usage read last, or {@code null}. */
    Usage usage() {
        return usage;
    }

    /** Tokens of the completion deltas read so far. */
    long completionTokens() {
        return completionTokens;
    }

    /** Also assembles the text of the deltas, up to {@code maxChars}, for {@link #capturedText()}. */
    void captureText(int maxChars) {
        transcript = new Transcript(maxChars);
    }

    boolean capturing() {
        return transcript != null;
    }

    /** The text of the deltas read since {@link #captureText(int)}, or null when capturing is off. */
    String capturedText() {
        if (transcript == null) {
            return null;
        }
        return transcript.text();
    }

    /**
     * Reads one event's JSON, {@code buf[off, off + len)}, whose SSE event name is {@code name[nameOff,
     * nameOff + nameLen)} (a Responses API delta without a "type" is typed by it). Returns true if it is a
     * usage-only chunk ({@code "choices":[]} with usage). What is not JSON, or not an object, is skipped.
     */
    boolean read(byte[] buf, int off, int len, byte[] name, int nameOff, int nameLen) {
        try (JsonParser p = FACTORY.createParser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            boolean usageHere = false;
            int choices = -1;
            String type = null;
            String delta = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "usage" -> usageHere |= t == JsonToken.START_OBJECT && readUsage(p);
                    case "choices" -> {
                        if (t == JsonToken.START_ARRAY) {
                            choices = 0;
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                choices++;
                                if (p.currentToken() == JsonToken.START_OBJECT) {
                                    readChoice(p);
                                } else {
                                    p.skipChildren();
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "type" -> type = t == JsonToken.VALUE_STRING ? p.getText() : type;
                    case "delta" -> {
                        if (t == JsonToken.VALUE_STRING) {
                            delta = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "response" -> {
                        if (t == JsonToken.START_OBJECT) {
                            readResponse(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (delta != null) {
                if (type == null && nameLen > 0) {
                    type = new String(name, nameOff, nameLen, UTF_8);
                }
                if (isTextDelta(type)) {
                    count(delta);
                }
            }
            return usageHere && choices == 0;
        } catch (IOException | RuntimeException e) {
            return false; // not JSON we understand: forwarded untouched, just not tapped
        }
    }

    private static boolean isTextDelta(String type) {
        return type != null
                && (type.endsWith("text.delta")
                        || type.equals("response.refusal.delta")
                        || type.equals("response.function_call_arguments.delta"));
    }

    /** Reads a usage object at its START_OBJECT; returns true if it had counters. */
    private boolean readUsage(JsonParser p) throws IOException {
        usageBuilder.reset();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NUMBER_INT) {
                usageBuilder.accept(name, p.getLongValue());
            } else if (t == JsonToken.START_OBJECT
                    && ("prompt_tokens_details".equals(name) || "input_tokens_details".equals(name))) {
                readDetails(p);
            } else {
                p.skipChildren();
            }
        }
        Usage u = usageBuilder.build();
        if (u != null) {
            usage = u;
        }
        return u != null;
    }

    /** Reads the cached prompt tokens of a details object at its START_OBJECT. */
    private void readDetails(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_NUMBER_INT && "cached_tokens".equals(name)) {
                usageBuilder.accept(name, p.getLongValue());
            } else {
                p.skipChildren();
            }
        }
    }

    private void readResponse(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if ("usage".equals(name) && t == JsonToken.START_OBJECT) {
                readUsage(p);
            } else {
                p.skipChildren();
            }
        }
    }

    private void readChoice(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if ("delta".equals(name) && t == JsonToken.START_OBJECT) {
                readDelta(p);
            } else if ("text".equals(name) && t == JsonToken.VALUE_STRING) { // legacy completions
                count(p.getText());
            } else {
                p.skipChildren();
            }
        }
    }

    private void readDelta(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "content", "reasoning_content", "reasoning", "refusal" -> {
                    if (t == JsonToken.VALUE_STRING) {
                        count(p.getText());
                    }
                }
                case "tool_calls" -> {
                    if (t == JsonToken.START_ARRAY) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (p.currentToken() == JsonToken.START_OBJECT) {
                                readToolCall(p);
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private void readToolCall(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if ("function".equals(name) && t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    JsonToken v = p.nextToken();
                    if ((f.equals("arguments") || f.equals("name")) && v == JsonToken.VALUE_STRING) {
                        count(p.getText());
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private void count(String text) {
        completionTokens += estimator.countText(text, encoding);
        if (transcript != null) {
            transcript.append(text);
        }
    }
}
