package io.llmgateway.demo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.util.JsonValues;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fields of an OpenAI request body the demo answers from, checked the way OpenAI checks them
 * (a wrong type is a 400 naming the field), so that a newcomer learns about a broken request here
 * rather than from a real provider.
 */
final class DemoRequest {

    // A tree is fine here: the demo is not the hot path, and it keeps the request checks readable.
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private final Map<?, ?> root;

    private DemoRequest(Map<?, ?> root) {
        this.root = root;
    }

    static DemoRequest parse(ByteBuf body) throws BadRequestException {
        Object value;
        try (InputStream in = new ByteBufInputStream(body.duplicate());
                JsonParser p = JSON.createParser(in)) {
            value = JsonValues.readDocument(p);
        } catch (IOException e) {
            throw new BadRequestException(
                    "We could not parse the JSON body of your request. The OpenAI API "
                            + "expects a JSON payload, but what was sent was not valid JSON.",
                    null);
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new BadRequestException("The request body must be a JSON object.", null);
        }
        return new DemoRequest(map);
    }

    String model() throws BadRequestException {
        if (root.get("model") instanceof String model && !model.isEmpty()) {
            return model;
        }
        throw new BadRequestException("you must provide a model parameter", "model");
    }

    boolean stream() throws BadRequestException {
        Object stream = root.get("stream");
        if (stream == null || stream instanceof Boolean) {
            return Boolean.TRUE.equals(stream);
        }
        throw new BadRequestException("Invalid type for 'stream': expected a boolean.", "stream");
    }

    /** {@code stream_options.include_usage}: OpenAI sends the usage-only chunk only when this is true. */
    boolean includeUsage() throws BadRequestException {
        Object options = root.get("stream_options");
        if (options == null) {
            return false;
        }
        if (!(options instanceof Map<?, ?> map)) {
            throw new BadRequestException("Invalid type for 'stream_options': expected an object.", "stream_options");
        }
        return Boolean.TRUE.equals(map.get("include_usage"));
    }

    /** Chat: the texts of every message, in order (the last user text is used for the reply). */
    List<Message> messages() throws BadRequestException {
        if (!(root.get("messages") instanceof List<?> list) || list.isEmpty()) {
            throw new BadRequestException("'messages' must be a non-empty array of messages.", "messages");
        }
        return toMessages(list, "messages");
    }

    /** Completions: the prompt(s) as text. */
    List<String> prompts() throws BadRequestException {
        Object prompt = root.get("prompt");
        if (prompt instanceof String s) {
            return List.of(s);
        }
        if (prompt instanceof List<?> list && !list.isEmpty()) {
            List<String> prompts = new ArrayList<>();
            for (Object item : list) {
                prompts.add(item instanceof String s ? s : String.valueOf(item));
            }
            return prompts;
        }
        throw new BadRequestException("'prompt' must be a string or an array of strings.", "prompt");
    }

    /** Embeddings: one entry per vector to return; token arrays are rendered as their numbers. */
    List<EmbeddingInput> embeddingInputs() throws BadRequestException {
        Object input = root.get("input");
        if (input instanceof String s) {
            return List.of(new EmbeddingInput(s, DemoText.words(s)));
        }
        if (input instanceof List<?> list && !list.isEmpty()) {
            if (list.stream().allMatch(Number.class::isInstance)) {
                return List.of(new EmbeddingInput(list.toString(), list.size()));
            }
            List<EmbeddingInput> inputs = new ArrayList<>(list.size());
            for (Object item : list) {
                if (item instanceof String s) {
                    inputs.add(new EmbeddingInput(s, DemoText.words(s)));
                } else if (item instanceof List<?> tokens
                        && !tokens.isEmpty()
                        && tokens.stream().allMatch(Number.class::isInstance)) {
                    inputs.add(new EmbeddingInput(tokens.toString(), tokens.size()));
                } else {
                    throw invalidInput();
                }
            }
            return inputs;
        }
        throw invalidInput();
    }

    /** Embeddings: {@code "float"} (default) or {@code "base64"} (the Python SDK's default). */
    boolean base64Encoding() throws BadRequestException {
        Object format = root.get("encoding_format");
        if (format == null || "float".equals(format)) {
            return false;
        }
        if ("base64".equals(format)) {
            return true;
        }
        throw new BadRequestException("'encoding_format' must be \"float\" or \"base64\".", "encoding_format");
    }

    /** Embeddings: the requested dimensions, or {@code fallback}. */
    int dimensions(int fallback, int max) throws BadRequestException {
        Object dimensions = root.get("dimensions");
        if (dimensions == null) {
            return fallback;
        }
        if (dimensions instanceof Long d && d >= 1 && d <= max) {
            return d.intValue();
        }
        throw new BadRequestException("'dimensions' must be an integer between 1 and " + max + '.', "dimensions");
    }

    /** Responses API: {@code input} as a string or as a list of message items. */
    List<Message> responsesInput() throws BadRequestException {
        Object input = root.get("input");
        if (input instanceof String s) {
            return List.of(new Message("user", s));
        }
        if (input instanceof List<?> list && !list.isEmpty()) {
            return toMessages(list, "input");
        }
        throw new BadRequestException("'input' must be a string or a non-empty array of input items.", "input");
    }

    private static List<Message> toMessages(List<?> list, String param) throws BadRequestException {
        List<Message> messages = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> message)) {
                throw new BadRequestException("Each item of '" + param + "' must be an object.", param);
            }
            String role = message.get("role") instanceof String r ? r : "user";
            messages.add(new Message(role, text(message.get("content"))));
        }
        return messages;
    }

    /** A message content: a string, or parts whose {@code text} fields are concatenated. */
    private static String text(Object content) {
        if (content instanceof String s) {
            return s;
        }
        StringBuilder text = new StringBuilder();
        if (content instanceof List<?> parts) {
            for (Object part : parts) {
                if (part instanceof Map<?, ?> map && map.get("text") instanceof String s) {
                    text.append(text.length() == 0 ? "" : " ").append(s);
                }
            }
        }
        return text.toString();
    }

    private static BadRequestException invalidInput() {
        return new BadRequestException(
                "'input' must be a string, an array of strings, or an array of token " + "arrays.", "input");
    }

    record Message(String role, String text) {}

    record EmbeddingInput(String text, long tokens) {}
}
