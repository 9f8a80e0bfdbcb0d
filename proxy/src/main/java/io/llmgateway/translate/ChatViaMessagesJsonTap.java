package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.openai.OpenAiErrors;
import io.llmgateway.protocol.HeldJsonTap;
import io.llmgateway.protocol.Usage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a Messages API answer ({@code "type":"message"}) into a {@code chat.completion}. The answer is
 * bounded by its {@code max_tokens}, so it is held whole (up to {@value #MAX_ANSWER_BYTES} bytes) and
 * translated at its end: text blocks joined into {@code content}, {@code tool_use} blocks into
 * {@code tool_calls} (the input object serialised as {@code arguments}), thinking blocks into
 * {@code reasoning_content} (the field OpenAI-compatible providers such as DeepSeek use for reasoning text)
 * and, as they are, signatures and redacted thinking included, into {@code thinking_blocks} (LiteLLM's field),
 * which a client sends back on the assistant message to continue a tool-use loop with thinking (see
 * {@link ChatViaMessagesTurns}), {@code stop_reason} into
 * {@code finish_reason}, usage as {@link ChatViaMessagesUsage} says. One instance per answer, used from one
 * thread.
 */
final class ChatViaMessagesJsonTap extends HeldJsonTap {
    static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;

    private final String requestedModel;
    private final long created;
    private Usage usage;
    private int captureMax;
    private String captured;

    /**
     * @param requestedModel the model the client asked for, used when the answer names none
     * @param created the answer's {@code created} (epoch seconds)
     */
    ChatViaMessagesJsonTap(String requestedModel, long created) {
        super(MAX_ANSWER_BYTES);
        this.requestedModel = requestedModel;
        this.created = created;
    }

    @Override
    protected ByteBuf translate(ByteBuf in, boolean tooLarge, ByteBufAllocator alloc) {
        String problem = tooLarge ? "The provider's answer is too large to translate." : null;
        Answer answer = null;
        if (in != null) {
            try {
                answer = Answer.read(in);
            } catch (IOException | RuntimeException e) {
                answer = null;
            }
        }
        if (problem == null && (answer == null || !answer.isMessage)) {
            problem = "The provider's answer is not a Messages API message.";
        }
        if (problem != null) {
            byte[] error = OpenAiErrors.json(OpenAiErrors.UPSTREAM, problem, null, "upstream_error")
                    .getBytes(StandardCharsets.UTF_8);
            return Unpooled.wrappedBuffer(error);
        }
        usage = answer.usage.usage();
        if (captureMax > 0) {
            String text = answer.text.toString();
            captured = text.length() > captureMax ? text.substring(0, captureMax) + "...[truncated]" : text;
        }
        ByteBuf out = alloc.buffer(answer.text.length() + answer.reasoning.length() + 512);
        try (JsonGenerator g = ChatViaObject.FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            answer.write(g, created, requestedModel);
        } catch (IOException e) {
            out.release();
            throw new IllegalStateException("writing to memory failed", e);
        }
        return out;
    }

    @Override
    public Usage usage() {
        return usage;
    }

    @Override
    public void captureText(int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars: " + maxChars + " (expected: >= 1)");
        }
        captureMax = maxChars;
    }

    @Override
    public String capturedText() {
        return captured;
    }

    /** OpenAI's {@code finish_reason} for a Messages API {@code stop_reason}. */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn
        };
    }

    /** What a Messages answer says, gathered in one pass. */
    private static final class Answer {
        boolean isMessage;
        String id;
        String model;
        String stopReason;
        final StringBuilder text = new StringBuilder();
        final StringBuilder reasoning = new StringBuilder();
        final List<String[]> calls = new ArrayList<>(); // id, name, arguments
        final List<String[]> thinking = new ArrayList<>(); // type, thinking or data, signature
        final ChatViaMessagesUsage usage = new ChatViaMessagesUsage();

        static Answer read(ByteBuf in) throws IOException {
            Answer a = new Answer();
            byte[] bytes = new byte[in.readableBytes()];
            in.getBytes(in.readerIndex(), bytes);
            try (JsonParser p = ChatViaObject.FACTORY.createParser(bytes)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return a;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken t = p.nextToken();
                    switch (name) {
                        case "type" -> a.isMessage = t == JsonToken.VALUE_STRING && "message".equals(p.getText());
                        case "id" -> a.id = t == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "model" -> a.model = t == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "stop_reason" -> a.stopReason = t == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "usage" -> {
                            if (t == JsonToken.START_OBJECT) {
                                a.usage.read(p);
                            } else {
                                p.skipChildren();
                            }
                        }
                        case "content" -> {
                            if (t != JsonToken.START_ARRAY) {
                                p.skipChildren();
                                continue;
                            }
                            for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                                if (e == JsonToken.START_OBJECT) {
                                    a.block(p);
                                } else {
                                    p.skipChildren();
                                }
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
            }
            return a;
        }

        private void block(JsonParser p) throws IOException {
            String type = null;
            String callId = null;
            String name = null;
            String input = null;
            String body = null;
            String signature = null;
            String data = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "type" -> type = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "id" -> callId = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "name" -> name = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "text", "thinking" -> body = t == JsonToken.VALUE_STRING ? p.getText() : body;
                    case "signature" -> signature = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "data" -> data = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "input" -> {
                        StringWriter w = new StringWriter();
                        try (JsonGenerator g = ChatViaObject.FACTORY.createGenerator(w)) {
                            g.copyCurrentStructure(p);
                        }
                        input = w.toString();
                    }
                    default -> p.skipChildren();
                }
            }
            if ("text".equals(type) && body != null) {
                text.append(body);
            } else if ("thinking".equals(type) && body != null) {
                reasoning.append(body);
                thinking.add(new String[] {type, body, signature});
            } else if ("redacted_thinking".equals(type) && data != null) {
                thinking.add(new String[] {type, data, null});
            } else if ("tool_use".equals(type)) {
                calls.add(new String[] {callId, name, input == null ? "{}" : input});
            }
        }

        void write(JsonGenerator g, long created, String requestedModel) throws IOException {
            g.writeStartObject();
            g.writeStringField("id", id == null ? "" : id);
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", created);
            g.writeStringField("model", model == null ? requestedModel : model);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            if (text.length() == 0 && !calls.isEmpty()) {
                g.writeNullField("content");
            } else {
                g.writeStringField("content", text.toString());
            }
            if (reasoning.length() > 0) {
                g.writeStringField("reasoning_content", reasoning.toString());
            }
            if (!thinking.isEmpty()) {
                g.writeArrayFieldStart("thinking_blocks");
                for (String[] b : thinking) {
                    g.writeStartObject();
                    g.writeStringField("type", b[0]);
                    if (b[0].equals("thinking")) {
                        g.writeStringField("thinking", b[1]);
                        g.writeStringField("signature", b[2]);
                    } else {
                        g.writeStringField("data", b[1]);
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (!calls.isEmpty()) {
                g.writeArrayFieldStart("tool_calls");
                for (String[] c : calls) {
                    g.writeStartObject();
                    g.writeStringField("id", c[0]);
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", c[1]);
                    g.writeStringField("arguments", c[2]);
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeNullField("refusal");
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", finishReason(stopReason == null ? "end_turn" : stopReason));
            g.writeEndObject();
            g.writeEndArray();
            usage.write(g);
            g.writeEndObject();
        }
    }
}
