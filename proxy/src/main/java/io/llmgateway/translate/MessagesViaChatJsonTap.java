package io.llmgateway.translate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.HeldJsonTap;
import io.llmgateway.protocol.Usage;
import io.llmgateway.util.ThreadScratch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a Chat Completions answer ({@code chat.completion} JSON) into a Messages answer ({@code message}
 * JSON). The JSON answer is bounded, so it is held whole and translated at its end ({@link HeldJsonTap}): a translation
 * chunk by chunk would need the {@code choices} before the {@code id}, and providers write them in either
 * order. An answer over {@value #MAX_BYTES} bytes, or one that is not a Chat answer, becomes an Anthropic
 * {@code api_error} object. One instance per answer, used from one thread.
 */
public final class MessagesViaChatJsonTap extends HeldJsonTap {
    static final int MAX_BYTES = 32 * 1024 * 1024;
    /** The answer is read from a heap copy: faster to parse than a stream over a direct buffer. */
    private static final ThreadScratch SCRATCH = new ThreadScratch(4096, 256 * 1024);

    private final String requestedModel;
    private final MessagesViaChatAnswer answer = new MessagesViaChatAnswer();

    private String id = "";
    private String model;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private boolean refused;
    private final List<String[]> toolCalls = new ArrayList<>(); // {id, name, arguments}
    private String finish;
    private String stopSequence;
    private MessagesViaChatAnswer.Error error;

    /** @param requestedModel the model named in the answer when the provider names none */
    public MessagesViaChatJsonTap(String requestedModel) {
        super(MAX_BYTES);
        this.requestedModel = requireNonNull(requestedModel, "requestedModel");
    }

    @Override
    protected ByteBuf translate(ByteBuf held, boolean tooLong, ByteBufAllocator alloc) {
        boolean read = false;
        if (held != null) {
            int n = held.readableBytes();
            try (JsonParser p =
                    MessagesViaChatSource.FACTORY.createParser(SCRATCH.copy(held, held.readerIndex(), n), 0, n)) {
                read = readAnswer(p);
            } catch (IOException | RuntimeException e) {
                read = false; // not a Chat answer: said so below
            }
        }
        if (!read && error == null) {
            error = new MessagesViaChatAnswer.Error(
                    "api_error",
                    tooLong
                            ? "The provider's answer is too long to translate."
                            : "The provider's answer is not a Chat Completions answer.");
        }
        ChunkOutput out = ChunkOutput.pooled();
        try {
            out.begin(alloc, 256 + text.length() + reasoning.length());
            JsonGenerator g = out.generator();
            if (error != null) {
                writeError(g);
            } else {
                writeMessage(g);
            }
            return out.take();
        } catch (IOException e) {
            throw new IllegalStateException("writing to a buffer", e);
        } finally {
            out.recycle(); // drops what was not taken
        }
    }

    @Override
    public Usage usage() {
        return answer.usage();
    }

    /** Reads the root object; false when it is no Chat answer. */
    private boolean readAnswer(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return false;
        }
        boolean choices = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "id" -> id = t == JsonToken.VALUE_STRING ? p.getText() : id;
                case "model" -> model = t == JsonToken.VALUE_STRING ? p.getText() : model;
                case "choices" -> {
                    if (t != JsonToken.START_ARRAY) {
                        p.skipChildren();
                    } else {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (!choices && p.currentToken() == JsonToken.START_OBJECT) {
                                readChoice(p); // the first: the request never asks for more
                                choices = true;
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                }
                case "usage" -> {
                    if (t == JsonToken.START_OBJECT) {
                        answer.readUsage(p);
                    }
                }
                case "error" -> {
                    if (t == JsonToken.START_OBJECT) {
                        error = MessagesViaChatAnswer.readError(p);
                    }
                }
                default -> p.skipChildren();
            }
        }
        return choices;
    }

    private void readChoice(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (field.equals("message") && t == JsonToken.START_OBJECT) {
                readMessage(p);
            } else if (field.equals("finish_reason") && t == JsonToken.VALUE_STRING) {
                finish = p.getText();
            } else if (field.equals("stop_reason") && t == JsonToken.VALUE_STRING) {
                stopSequence = p.getText(); // vLLM names the stop string that matched
            } else {
                p.skipChildren();
            }
        }
    }

    private void readMessage(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_STRING) {
                switch (field) {
                    case "content" -> text.append(p.getText());
                    case "reasoning_content", "reasoning" -> reasoning.append(p.getText());
                    case "refusal" -> {
                        text.append(p.getText());
                        refused = true;
                    }
                    default -> {
                        // role and the like
                    }
                }
            } else if (field.equals("tool_calls") && t == JsonToken.START_ARRAY) {
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    if (e == JsonToken.START_OBJECT) {
                        toolCalls.add(readToolCall(p));
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private static String[] readToolCall(JsonParser p) throws IOException {
        String[] call = {null, "", ""};
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (field.equals("id") && t == JsonToken.VALUE_STRING) {
                call[0] = p.getText();
            } else if (field.equals("function") && t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    if (p.nextToken() == JsonToken.VALUE_STRING) {
                        if (f.equals("name")) {
                            call[1] = p.getText();
                        } else if (f.equals("arguments")) {
                            call[2] = p.getText();
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return call;
    }

    private void writeMessage(JsonGenerator g) throws IOException {
        String messageId = MessagesViaChatAnswer.messageId(id);
        g.writeStartObject();
        g.writeStringField("id", messageId);
        g.writeStringField("type", "message");
        g.writeStringField("role", "assistant");
        g.writeStringField("model", model != null && !model.isEmpty() ? model : requestedModel);
        g.writeArrayFieldStart("content");
        if (reasoning.length() > 0) {
            g.writeStartObject();
            g.writeStringField("type", "thinking");
            g.writeStringField("thinking", reasoning.toString());
            g.writeStringField("signature", ""); // only Anthropic signs thinking; clients require the field
            g.writeEndObject();
        }
        if (text.length() > 0) {
            g.writeStartObject();
            g.writeStringField("type", "text");
            g.writeStringField("text", text.toString());
            g.writeEndObject();
        }
        for (int i = 0; i < toolCalls.size(); i++) {
            String[] call = toolCalls.get(i);
            g.writeStartObject();
            g.writeStringField("type", "tool_use");
            g.writeStringField("id", call[0] != null ? call[0] : messageId + "_" + i);
            g.writeStringField("name", call[1]);
            g.writeFieldName("input");
            MessagesViaChatArguments.writeInput(g, call[2]);
            g.writeEndObject();
        }
        g.writeEndArray();
        boolean stopped = stopSequence != null && "stop".equals(finish);
        g.writeStringField(
                "stop_reason",
                stopped
                        ? "stop_sequence"
                        : MessagesViaChatAnswer.stopReason(finish == null ? "stop" : finish, refused));
        if (stopped) {
            g.writeStringField("stop_sequence", stopSequence);
        } else {
            g.writeNullField("stop_sequence");
        }
        answer.writeUsage(g, 0);
        g.writeEndObject();
    }

    private void writeError(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "error");
        g.writeObjectFieldStart("error");
        g.writeStringField("type", error.type());
        g.writeStringField("message", error.message());
        g.writeEndObject();
        g.writeEndObject();
    }
}
