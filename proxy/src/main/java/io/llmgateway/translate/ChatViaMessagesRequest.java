package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.util.RequestJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * Writes a Chat Completions request ({@code POST /v1/chat/completions}) as a Messages API request for an
 * Anthropic provider, or refuses it with a 400 naming the field the provider cannot honour.
 *
 * <p>The mappings ({@link ChatViaMessagesTurns} for messages, {@link ChatViaMessagesTools} for tools):
 * <ul>
 * <li>{@code max_completion_tokens}, else {@code max_tokens}, else the provider's {@code default_max_tokens}
 *     (the Messages API requires one) become {@code max_tokens}; {@code stop} (a string or an array)
 *     {@code stop_sequences}; {@code top_p}, and the extension {@code top_k}, as they are; {@code stream}.</li>
 * <li>{@code temperature}: OpenAI takes 0 to 2, the provider 0 to 1. A value above 1 is refused rather than
 *     clamped or scaled: either would silently change what every client asked for.</li>
 * <li>{@code safety_identifier}, else {@code user}, becomes {@code metadata.user_id}.</li>
 * <li>{@code reasoning_effort} becomes extended thinking with a budget: {@code minimal} 1024 tokens (the
 *     provider's minimum), {@code low} 2048, {@code medium} 8192, {@code high} 16384; {@code none} none. The
 *     budget counts against {@code max_tokens} at both APIs: with a client's limit the budget is cut to fit
 *     below it (and refused when that leaves less than 1024), without one {@code max_tokens} is the default
 *     plus the budget. The extension {@code thinking} (the provider's own object) is passed as it is. Thinking
 *     is left off for a tool-use loop whose assistant turn came back without its thinking blocks, which the
 *     provider would refuse ({@link ChatViaMessagesTurns#toolLoopWithoutThinking}).</li>
 * <li>Fields with no equivalent are accepted only at the value that changes nothing ({@code n: 1},
 *     {@code logprobs: false}, penalties of 0, {@code response_format} text, {@code store: false}, ...);
 *     any other value is refused, and so is a field the gateway does not know (as OpenAI does).</li>
 * </ul>
 */
final class ChatViaMessagesRequest {
    static final int MIN_THINKING_BUDGET = 1024;

    private static final Set<String> KNOWN = Set.of(
            "model",
            "messages",
            "stream",
            "stream_options",
            "max_tokens",
            "max_completion_tokens",
            "stop",
            "temperature",
            "top_p",
            "top_k",
            "user",
            "safety_identifier",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "reasoning_effort",
            "thinking",
            "n",
            "response_format",
            "logprobs",
            "top_logprobs",
            "logit_bias",
            "presence_penalty",
            "frequency_penalty",
            "seed",
            "audio",
            "modalities",
            "prediction",
            "web_search_options",
            "functions",
            "function_call",
            "verbosity",
            "prompt_cache_key",
            "service_tier",
            "store",
            "metadata");
    /** Fields that have no equivalent whatever their value (but null). */
    private static final List<String> NEVER = List.of(
            "seed",
            "audio",
            "prediction",
            "web_search_options",
            "functions",
            "function_call",
            "verbosity",
            "prompt_cache_key");

    private final ChatViaObject request;
    private final JsonGenerator g;
    private final long defaultMaxTokens;

    private ChatViaMessagesRequest(ChatViaObject request, JsonGenerator g, long defaultMaxTokens) {
        this.request = request;
        this.g = g;
        this.defaultMaxTokens = defaultMaxTokens;
    }

    /**
     * The Messages request for the readable bytes of {@code body} (a Chat Completions request that the OpenAI
     * client dialect has read), with {@code alias} as its model; owned by the caller. {@code body} is neither
     * consumed nor released.
     *
     * @throws BadRequestException for what the provider cannot honour, naming the field
     */
    static ByteBuf translate(ByteBufAllocator alloc, ByteBuf body, String alias, long defaultMaxTokens)
            throws BadRequestException {
        int len = body.readableBytes();
        int off = RequestJson.offset(body);
        byte[] array = RequestJson.array(body); // read before this method returns
        ChatViaObject request;
        try (JsonParser p = ChatViaObject.FACTORY.createParser(array, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequestException("The request body must be a JSON object.", null);
            }
            request = ChatViaObject.read(array, off, p, "");
        } catch (IOException e) {
            throw new BadRequestException("The request body is not valid JSON.", null);
        }
        ByteBuf out = alloc.buffer(len + 256);
        boolean done = false;
        try (JsonGenerator g = ChatViaObject.FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            new ChatViaMessagesRequest(request, g, defaultMaxTokens).write(alias);
            done = true;
        } catch (IOException e) {
            // The input was parsed once already and the output is memory: this is a bug, not a client error.
            throw new UncheckedIOException("translating a request to the Messages API", e);
        } finally {
            if (!done) {
                out.release();
            }
        }
        return out;
    }

    private void write(String alias) throws IOException, BadRequestException {
        if (!request.present("messages")) { // another endpoint's request (embeddings, responses) or a bad one
            throw new BadRequestException(
                    "Missing required parameter: 'messages'. This model's provider (Anthropic Messages API) serves"
                            + " chat completions only.",
                    "messages",
                    "missing_required_parameter");
        }
        String unknown = request.unknown(KNOWN);
        if (unknown != null) {
            throw new BadRequestException(
                    "Unrecognized request argument supplied: " + unknown, unknown, "unknown_parameter");
        }
        refuseUnsupported();
        g.writeStartObject();
        g.writeStringField("model", alias);
        ChatViaMessagesTurns turns = new ChatViaMessagesTurns(g);
        turns.write(request.objects("messages"));
        turns.writeSystem();
        boolean thinks = !turns.toolLoopWithoutThinking();
        long budget = thinkingBudget();
        if (!thinks) {
            budget = 0;
        }
        g.writeNumberField("max_tokens", maxTokens(budget));
        List<String> stop = request.strings("stop");
        if (!stop.isEmpty()) {
            g.writeArrayFieldStart("stop_sequences");
            for (String s : stop) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        writeFraction(
                "temperature",
                "above 1 is not supported: this model's provider (Anthropic Messages API)" + " takes 0 to 1.");
        writeFraction("top_p", "must be between 0 and 1.");
        if (request.present("top_k")) {
            request.expect("top_k", JsonToken.VALUE_NUMBER_INT, "an integer");
            g.writeFieldName("top_k");
            request.copy("top_k", g);
        }
        if (Boolean.TRUE.equals(request.bool("stream"))) {
            g.writeBooleanField("stream", true);
        }
        String user =
                request.present("safety_identifier") ? request.string("safety_identifier") : request.string("user");
        if (user != null) {
            g.writeObjectFieldStart("metadata");
            g.writeStringField("user_id", user);
            g.writeEndObject();
        }
        ChatViaMessagesTools.writeTools(request, g);
        ChatViaMessagesTools.writeToolChoice(request, g);
        if (thinks) {
            writeThinking(budget);
        }
        g.writeEndObject();
    }

    /** Refuses the fields without an equivalent unless they hold the value that changes nothing. */
    private void refuseUnsupported() throws IOException, BadRequestException {
        if (request.present("n") && request.number("n") != 1) {
            throw new BadRequestException(
                    "This model's provider (Anthropic Messages API) answers one choice per request: 'n' must be 1.",
                    "n",
                    "unsupported_value");
        }
        ChatViaObject format = request.object("response_format");
        if (format != null && !"text".equals(format.string("type"))) {
            throw request.unsupported("response_format", "(structured JSON output) is not supported.");
        }
        if (Boolean.TRUE.equals(request.bool("logprobs"))) {
            throw request.unsupported("logprobs", "is not supported.");
        }
        for (String zero : List.of("top_logprobs", "presence_penalty", "frequency_penalty")) {
            if (request.present(zero) && request.number(zero) != 0) {
                throw request.unsupported(zero, "is only accepted as 0.");
            }
        }
        ChatViaObject bias = request.object("logit_bias");
        if (bias != null && bias.unknown(Set.of()) != null) {
            throw request.unsupported("logit_bias", "is not supported.");
        }
        for (String never : NEVER) {
            if (request.present(never)) {
                throw request.unsupported(never, "is not supported.");
            }
        }
        List<String> modalities = request.strings("modalities");
        if (!modalities.isEmpty() && !modalities.equals(List.of("text"))) {
            throw request.unsupported("modalities", "other than [\"text\"] are not supported.");
        }
        String tier = request.string("service_tier");
        if (tier != null && !tier.equals("auto") && !tier.equals("default")) {
            throw request.unsupported("service_tier", "other than auto or default is not supported.");
        }
        if (Boolean.TRUE.equals(request.bool("store"))) {
            throw request.unsupported("store", "is not supported.");
        }
        ChatViaObject metadata = request.object("metadata");
        if (metadata != null && metadata.unknown(Set.of()) != null) {
            throw request.unsupported("metadata", "is not supported (user and safety_identifier are).");
        }
        if (request.present("thinking") && request.present("reasoning_effort")) {
            throw request.invalidValue("thinking", "give either thinking or reasoning_effort, not both.");
        }
    }

    /** The thinking budget asked for (the client's limit applied), or 0 for none. */
    private long thinkingBudget() throws IOException, BadRequestException {
        if (request.present("thinking")) {
            ChatViaObject thinking = request.object("thinking");
            double budget = "enabled".equals(thinking.string("type")) ? thinking.number("budget_tokens") : 0;
            return Double.isNaN(budget) ? 0 : (long) budget;
        }
        String effort = request.string("reasoning_effort");
        if (effort == null) {
            return 0;
        }
        long budget = switch (effort) {
            case "none" -> 0;
            case "minimal" -> MIN_THINKING_BUDGET;
            case "low" -> 2048;
            case "medium" -> 8192;
            case "high" -> 16384;
            default -> throw request.invalidValue("reasoning_effort", "expected none, minimal, low, medium or high.");
        };
        long limit = clientMaxTokens();
        if (budget > 0 && limit > 0) {
            budget = Math.min(budget, limit - 1);
            if (budget < MIN_THINKING_BUDGET) {
                throw request.invalidValue(
                        "reasoning_effort",
                        "this model's provider thinks with at least " + MIN_THINKING_BUDGET + " tokens, within"
                                + " max_completion_tokens: raise it above " + MIN_THINKING_BUDGET + ".");
            }
        }
        return budget;
    }

    private long maxTokens(long thinkingBudget) throws IOException, BadRequestException {
        long limit = clientMaxTokens();
        if (limit > 0) {
            return limit;
        }
        return defaultMaxTokens + thinkingBudget;
    }

    /** {@code max_completion_tokens}, else {@code max_tokens}, else -1. */
    private long clientMaxTokens() throws IOException, BadRequestException {
        String name = request.present("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        if (!request.present(name)) {
            return -1;
        }
        request.expect(name, JsonToken.VALUE_NUMBER_INT, "an integer");
        double n = request.number(name);
        if (n < 1) {
            throw request.invalidValue(name, "expected an integer of at least 1.");
        }
        return (long) n;
    }

    /** Writes a number of 0 to 1 as the client wrote it, refusing others with {@code why}. */
    private void writeFraction(String name, String why) throws IOException, BadRequestException {
        double v = request.number(name);
        if (Double.isNaN(v)) {
            return;
        }
        if (v < 0 || v > 1) {
            throw new BadRequestException(
                    "Invalid value for '" + name + "': " + (v < 0 ? "must not be negative." : why),
                    name,
                    "unsupported_value");
        }
        g.writeFieldName(name);
        request.copy(name, g);
    }

    private void writeThinking(long budget) throws IOException {
        if (request.present("thinking")) {
            request.copyField("thinking", g);
        } else if (budget > 0) {
            g.writeObjectFieldStart("thinking");
            g.writeStringField("type", "enabled");
            g.writeNumberField("budget_tokens", budget);
            g.writeEndObject();
        }
    }
}
