package io.llmgateway.openai;

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
 * Reads an OpenAI request body once, with a streaming parser, into a {@link RequestInfo}.
 *
 * <p>Design notes: only root-level keys matter (a {@code "model"} inside a tool schema is not the
 * model). Values we do not need are skipped without being decoded, so base64 images cost a byte scan
 * and no String. Duplicate {@code model}, {@code stream} or {@code stream_options} keys are rejected:
 * the gateway and the upstream could otherwise read different values (route on one model, run
 * another). UTF-8 is validated up front because Jackson never decodes the values it skips.
 */
public final class RequestScanner {
    static final int MAX_NESTING_DEPTH = RequestJson.MAX_NESTING_DEPTH;
    /**
     * Longest {@code model} accepted, in UTF-8 bytes once its escapes are decoded. The name is kept in the
     * request's record and its log line and echoed in errors, so it is bounded; real names are far shorter.
     */
    public static final int MAX_MODEL_BYTES = 256;

    static final String PARSE_ERROR = "We could not parse the JSON body of your request. (HINT: This likely"
            + " means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload,"
            + " but what was sent was not valid JSON.)";

    private static final JsonFactory FACTORY = RequestJson.factoryBuilder().build();

    private RequestScanner() {}

    /**
     * Scans the readable bytes of {@code body} without consuming or releasing it.
     *
     * @throws BadRequestException when the body is not a JSON object or a known field has a bad type
     */
    public static RequestInfo scan(ByteBuf body) throws BadRequestException {
        requireNonNull(body, "body");
        int len = body.readableBytes();
        int off = RequestJson.offset(body);
        byte[] array = RequestJson.array(body);
        if (!Utf8.isValid(array, off, len)) {
            throw new BadRequestException(PARSE_ERROR, null);
        }
        try (JsonParser p = FACTORY.createParser(array, off, len)) {
            return new RootScan(p, array, off, off + len).run();
        } catch (StreamConstraintsException e) {
            throw new BadRequestException(RequestJson.TOO_DEEP, null);
        } catch (IOException e) {
            throw new BadRequestException(PARSE_ERROR, null);
        }
    }
}
