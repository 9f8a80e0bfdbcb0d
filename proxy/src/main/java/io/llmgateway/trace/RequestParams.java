package io.llmgateway.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmgateway.util.RequestJson;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * The request's sampling parameters the GenAI conventions name and the gateway's own scan does not read
 * ({@code temperature}): read from the top level of the body for sampled spans only.
 */
final class RequestParams {
    private static final JsonFactory JSON = RequestJson.factoryBuilder().build();

    private RequestParams() {}

    /** The top-level {@code temperature} of a JSON body, or NaN when it has none (or is not JSON). */
    static double temperature(ByteBuf body) {
        if (!body.isReadable()) {
            return Double.NaN;
        }
        try (JsonParser p =
                JSON.createParser(RequestJson.array(body), RequestJson.offset(body), body.readableBytes())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Double.NaN;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("temperature".equals(name) && value != null && value.isNumeric()) {
                    return p.getDoubleValue();
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            // Not JSON the gateway could read: the exchange itself answers that; the span goes without.
        }
        return Double.NaN;
    }
}
