package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.StringWriter;

/** A Chat tool call's {@code arguments} (JSON as a string) as a Messages tool call's {@code input} (JSON). */
final class MessagesViaChatArguments {
    private MessagesViaChatArguments() {}

    /**
     * Writes {@code arguments} as a JSON value: blank is an empty object; text that is not one JSON value (a
     * model can write broken JSON) is written as a string, so that nothing the model wrote is lost.
     */
    static void writeInput(JsonGenerator g, String arguments) throws IOException {
        if (arguments.isBlank()) {
            g.writeStartObject();
            g.writeEndObject();
            return;
        }
        String copy = parsed(arguments);
        if (copy != null) {
            g.writeRawValue(copy);
        } else {
            g.writeString(arguments);
        }
    }

    /** {@code arguments} re-written compactly when it is exactly one JSON value, else null. */
    private static String parsed(String arguments) {
        StringWriter out = new StringWriter(arguments.length());
        try (JsonParser p = MessagesViaChatSource.FACTORY.createParser(arguments);
                JsonGenerator copy = MessagesViaChatSource.FACTORY.createGenerator(out)) {
            if (p.nextToken() == null) {
                return null;
            }
            copy.copyCurrentStructure(p);
            if (p.nextToken() != null) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return out.toString();
    }
}
