package io.llmgateway.translate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.util.ShortText;
import io.llmgateway.util.ThreadScratch;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.StringWriter;

/**
 * A Messages request body as one array, and parsers over parts of it ({@link Span}s). The translation reads
 * some parts more than once: a user turn's {@code tool_result} blocks go out before its other blocks, and
 * {@code system} goes first whatever its place in the body.
 */
final class MessagesViaChatSource {
    /** Deeper bodies are refused; real requests (tool schemas included) stay far below. */
    static final int MAX_NESTING_DEPTH = 64;

    /** The body's size is bounded by the server; base64 images and PDFs are long strings. */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES) // client-chosen names: never String.intern() them
            .build();

    /** Where a JSON value lies in the body, {@code [start, end)}. */
    record Span(int start, int end) {}

    /**
     * The body is read from a copy in this thread's array: a source lives only while its request is
     * translated, and a translation ends before the thread translates another.
     */
    private static final ThreadScratch SCRATCH = new ThreadScratch(4096, 256 * 1024);

    private final byte[] bytes;
    private final int length;

    MessagesViaChatSource(ByteBuf body) {
        length = body.readableBytes();
        bytes = SCRATCH.copy(body, body.readerIndex(), length);
    }

    /** The whole body. */
    Span all() {
        return new Span(0, length);
    }

    /** A parser over {@code span}, not yet on its first token. */
    JsonParser open(Span span) throws IOException {
        return FACTORY.createParser(bytes, span.start(), span.end() - span.start());
    }

    /**
     * The span of the array or object {@code p} (a parser over {@code within}) is on; leaves {@code p} on its
     * end token.
     */
    static Span span(JsonParser p, Span within) throws IOException {
        int start = within.start() + (int) p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        return new Span(start, within.start() + (int) p.currentLocation().getByteOffset());
    }

    /** Copies the JSON value at {@code span} to {@code g} as it is. */
    void copy(Span span, JsonGenerator g) throws IOException {
        try (JsonParser p = open(span)) {
            p.nextToken();
            g.copyCurrentStructure(p);
        }
    }

    /** The JSON value at {@code span} as compact text, for a tool call's {@code arguments} string. */
    String compact(Span span) throws IOException {
        StringWriter out = new StringWriter(Math.max(16, span.end() - span.start()));
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            copy(span, g);
        }
        return out.toString();
    }

    /** A 400 about the value at {@code path}; the message names the path, never the request's text. */
    static BadRequestException bad(String path, String problem) {
        return new BadRequestException(path + ": " + problem, path);
    }

    /** A type name from the request, bounded, for an error message. */
    static String tag(String value) {
        return "'" + ShortText.cap(value, 40) + "'";
    }

    /** The string {@code p} is on, else a 400 naming {@code path}. */
    static String string(JsonParser p, String path) throws IOException, BadRequestException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw bad(path, "expected a string");
        }
        return p.getText();
    }

    /** Fails unless {@code p} is on the start of an object. */
    static void expectObject(JsonParser p, String path) throws BadRequestException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw bad(path, "expected an object");
        }
    }

    /** Fails unless {@code p} is on the start of an array. */
    static void expectArray(JsonParser p, String path) throws BadRequestException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw bad(path, "expected an array");
        }
    }

    /** A field no translation rule knows: refused, since dropping it could change what the client asked. */
    static BadRequestException unknown(String path) {
        return new BadRequestException(
                path + ": Extra inputs are not permitted (no equivalent at an OpenAI-format provider)", path);
    }
}
