package io.llmgateway.translate;

import static io.llmgateway.translate.MessagesViaChatSource.bad;
import static io.llmgateway.translate.MessagesViaChatSource.expectArray;
import static io.llmgateway.translate.MessagesViaChatSource.expectObject;
import static io.llmgateway.translate.MessagesViaChatSource.string;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.translate.MessagesViaChatSource.Span;
import io.llmgateway.util.ShortText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Translates a Messages request (POST /v1/messages) into a Chat Completions request for an OpenAI-format
 * provider.
 *
 * <p>Design notes:
 * <ul>
 * <li>Two passes: the root object's fields are found first (values of arrays and objects as {@link Span}s),
 *     then the Chat request is written in its own order ({@code system} becomes the first message wherever
 *     it stood). Each pass is a jackson-core streaming parse; nothing builds a tree.</li>
 * <li>Mapped: {@code system} (a string, or text blocks joined with blank lines), {@code messages}
 *     ({@link MessagesViaChatTurns}), {@code max_tokens} to {@code max_completion_tokens} (what OpenAI
 *     documents for Chat; {@code max_tokens} is deprecated there and refused by reasoning models),
 *     {@code stop_sequences} to {@code stop}, {@code temperature}, {@code top_p}, {@code metadata.user_id}
 *     to {@code user}, {@code stream} with {@code stream_options.include_usage} (the gateway always needs
 *     the usage), {@code tools} and {@code tool_choice} ({@link MessagesViaChatTools}).</li>
 * <li>{@code thinking} of type {@code enabled} becomes {@code reasoning_effort} (budget below 4096 tokens:
 *     low, below 16384: medium, else high) only when the provider's model takes it
 *     ({@link #takesReasoningEffort}); OpenAI refuses the field for other models, which then answer without
 *     visible thinking. Other thinking types leave the provider's default.</li>
 * <li>Ignored, because they do not change what the answer means: {@code top_k} (Chat has no such sampling
 *     cut-off), {@code service_tier} (a capacity choice), other {@code metadata} keys, {@code cache_control}
 *     anywhere (OpenAI caches prompt prefixes by itself). Every other field is refused with a 400 naming it
 *     ({@code container}, {@code mcp_servers}, {@code context_management}, {@code output_format}, unknown
 *     fields): they ask for something the provider cannot do.</li>
 * </ul>
 */
public final class MessagesViaChatRequest {
    private Span messages;
    private String systemText;
    private Span systemBlocks;
    private long maxTokens = -1;
    private Span stop;
    private String temperature;
    private String topP;
    private String user;
    private boolean stream;
    private Span tools;
    private Span toolChoice;
    private long thinkingBudget = -1;

    private MessagesViaChatRequest() {}

    /**
     * The Chat request for {@code body} (neither consumed nor released), for the model {@code alias}; owned by
     * the caller.
     *
     * @throws BadRequestException when the request asks for something a Chat provider cannot do, or is malformed
     */
    public static ByteBuf translate(ByteBufAllocator alloc, ByteBuf body, String alias) throws BadRequestException {
        requireNonNull(alloc, "alloc");
        requireNonNull(alias, "alias");
        MessagesViaChatSource src = new MessagesViaChatSource(requireNonNull(body, "body"));
        MessagesViaChatRequest request = new MessagesViaChatRequest();
        ChunkOutput out = ChunkOutput.pooled();
        try {
            request.scan(src);
            out.begin(alloc, body.readableBytes() + 256);
            request.write(src, out.generator(), alias);
            return out.take();
        } catch (JsonProcessingException e) {
            throw new BadRequestException("The request body is not valid JSON or nests too deeply.", null);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a buffer", e);
        } finally {
            out.recycle(); // drops what was not taken (a refused request's part)
        }
    }

    /**
     * Whether a Chat model named {@code alias} takes {@code reasoning_effort}: OpenAI's o-series (but o1-mini and
     * o1-preview), gpt-5 and gpt-oss (but the non-reasoning gpt-5 chat models), Gemini 2.5 and later. A
     * {@code vendor/} prefix (as routers name models) is skipped.
     */
    public static boolean takesReasoningEffort(String alias) {
        String m = alias.toLowerCase(Locale.ROOT);
        m = m.substring(m.lastIndexOf('/') + 1);
        if (m.startsWith("o1-mini") || m.startsWith("o1-preview") || m.contains("-chat")) {
            return false;
        }
        return m.matches("o[1-9].*")
                || m.startsWith("gpt-5")
                || m.startsWith("gpt-oss")
                || m.startsWith("gemini-2.5")
                || m.matches("gemini-[3-9].*");
    }

    /** The {@code reasoning_effort} for a thinking budget of {@code budget} tokens. */
    static String effort(long budget) {
        return budget < 4096 ? "low" : budget < 16384 ? "medium" : "high";
    }

    private void scan(MessagesViaChatSource src) throws IOException, BadRequestException {
        Span all = src.all();
        try (JsonParser p = src.open(all)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequestException("The request body must be a JSON object.", null);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                String at = ShortText.cap(field, 64);
                switch (field) {
                    case "model" -> string(p, at); // the provider's alias replaces it
                    case "messages" -> {
                        expectArray(p, at);
                        messages = MessagesViaChatSource.span(p, all);
                    }
                    case "system" -> {
                        if (t == JsonToken.VALUE_STRING) {
                            systemText = p.getText();
                        } else {
                            expectArray(p, at);
                            systemBlocks = MessagesViaChatSource.span(p, all);
                        }
                    }
                    case "max_tokens" -> {
                        if (t != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 1) {
                            throw bad(at, "expected an integer >= 1");
                        }
                        maxTokens = p.getLongValue();
                    }
                    case "stop_sequences" -> {
                        expectArray(p, at);
                        stop = MessagesViaChatSource.span(p, all);
                    }
                    case "temperature" -> temperature = number(p, at);
                    case "top_p" -> topP = number(p, at);
                    case "stream" -> {
                        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                            throw bad(at, "expected a boolean");
                        }
                        stream = t == JsonToken.VALUE_TRUE;
                    }
                    case "metadata" -> metadata(p, at);
                    case "tools" -> {
                        expectArray(p, at);
                        tools = MessagesViaChatSource.span(p, all);
                    }
                    case "tool_choice" -> {
                        expectObject(p, at);
                        toolChoice = MessagesViaChatSource.span(p, all);
                    }
                    case "thinking" -> thinking(p, at);
                    case "top_k", "service_tier" -> p.skipChildren(); // see the class notes
                    default -> throw MessagesViaChatSource.unknown(at);
                }
            }
        }
        if (messages == null) {
            throw bad("messages", "Field required");
        }
        if (maxTokens < 0) {
            throw bad("max_tokens", "Field required");
        }
    }

    private static String number(JsonParser p, String path) throws IOException, BadRequestException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw bad(path, "expected a number");
        }
        return p.getText(); // written again as it was
    }

    private void metadata(JsonParser p, String path) throws IOException, BadRequestException {
        expectObject(p, path);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (field.equals("user_id") && t != JsonToken.VALUE_NULL) {
                user = string(p, path + ".user_id");
            } else {
                p.skipChildren();
            }
        }
    }

    private void thinking(JsonParser p, String path) throws IOException, BadRequestException {
        expectObject(p, path);
        String type = null;
        long budget = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (field.equals("type")) {
                type = string(p, path + ".type");
            } else if (field.equals("budget_tokens") && t == JsonToken.VALUE_NUMBER_INT) {
                budget = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
        if ("enabled".equals(type)) {
            if (budget < 0) {
                throw bad(path + ".budget_tokens", "Field required");
            }
            thinkingBudget = budget;
        }
    }

    private void write(MessagesViaChatSource src, JsonGenerator g, String alias)
            throws IOException, BadRequestException {
        g.writeStartObject();
        g.writeStringField("model", alias);
        g.writeArrayFieldStart("messages");
        system(src, g);
        new MessagesViaChatTurns(src, g).write(messages);
        g.writeEndArray();
        g.writeNumberField("max_completion_tokens", maxTokens);
        if (stop != null) {
            stops(src, g);
        }
        if (temperature != null) {
            g.writeFieldName("temperature");
            g.writeNumber(temperature);
        }
        if (topP != null) {
            g.writeFieldName("top_p");
            g.writeNumber(topP);
        }
        if (user != null) {
            g.writeStringField("user", user);
        }
        if (tools != null) {
            new MessagesViaChatTools(src, g).write(tools, toolChoice);
        }
        if (thinkingBudget >= 0 && takesReasoningEffort(alias)) {
            g.writeStringField("reasoning_effort", effort(thinkingBudget));
        }
        if (stream) {
            g.writeBooleanField("stream", true);
            g.writeObjectFieldStart("stream_options");
            g.writeBooleanField("include_usage", true);
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private void system(MessagesViaChatSource src, JsonGenerator g) throws IOException, BadRequestException {
        String text = systemText;
        if (systemBlocks != null) {
            StringBuilder joined = new StringBuilder();
            try (JsonParser p = src.open(systemBlocks)) {
                p.nextToken();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    MessagesViaChatBlock b = MessagesViaChatBlock.read(p, systemBlocks, "system." + i++);
                    if (!b.type.equals("text")) {
                        throw bad(
                                b.path + ".type",
                                "Input tag " + MessagesViaChatSource.tag(b.type)
                                        + " does not match the expected tag 'text'");
                    }
                    joined.append(joined.length() > 0 ? "\n\n" : "").append(b.requireText());
                }
            }
            text = joined.length() > 0 ? joined.toString() : null;
        }
        if (text != null) {
            g.writeStartObject();
            g.writeStringField("role", "system");
            g.writeStringField("content", text);
            g.writeEndObject();
        }
    }

    private void stops(MessagesViaChatSource src, JsonGenerator g) throws IOException, BadRequestException {
        boolean any = false;
        try (JsonParser p = src.open(stop)) {
            p.nextToken();
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                String s = string(p, "stop_sequences." + i++);
                if (!any) {
                    g.writeArrayFieldStart("stop");
                    any = true;
                }
                g.writeString(s);
            }
        }
        if (any) {
            g.writeEndArray();
        }
    }
}
