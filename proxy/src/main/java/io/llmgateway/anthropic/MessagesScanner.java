package io.llmgateway.anthropic;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.util.RequestJson;
import io.llmgateway.util.Utf8;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * Reads a Messages request body once, with a streaming parser, into a {@link MessagesRequest}: the same rules as
 * the OpenAI reader (only root keys route, skipped values are never decoded, duplicate routing keys and invalid
 * UTF-8 are refused, the model name is bounded), with the Messages API's own required fields.
 */
public final class MessagesScanner {
    /** Longest {@code model} accepted, in UTF-8 bytes once decoded: it is kept in records and echoed in errors. */
    public static final int MAX_MODEL_BYTES = 256;

    static final String PARSE_ERROR = "The request body is not valid JSON: send a JSON object in UTF-8.";

    private static final JsonFactory FACTORY = RequestJson.factoryBuilder().build();

    private MessagesScanner() {}

    /**
     * Scans the readable bytes of {@code body} without consuming or releasing it.
     *
     * @param countTokens a {@code count_tokens} request: {@code max_tokens} is not required
     * @throws BadRequestException when the body is not a Messages request; the message names the field
     */
    public static MessagesRequest scan(ByteBuf body, boolean countTokens) throws BadRequestException {
        requireNonNull(body, "body");
        int len = body.readableBytes();
        int off = RequestJson.offset(body);
        byte[] array = RequestJson.array(body);
        if (!Utf8.isValid(array, off, len)) {
            throw new BadRequestException(PARSE_ERROR, null);
        }
        try (JsonParser p = FACTORY.createParser(array, off, len)) {
            return new MessagesScan(p, array, off, off + len, countTokens).run();
        } catch (StreamConstraintsException e) {
            throw new BadRequestException(RequestJson.TOO_DEEP, null);
        } catch (IOException e) {
            throw new BadRequestException(PARSE_ERROR, null);
        }
    }
}
