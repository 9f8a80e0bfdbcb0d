package io.llmgateway.translate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The events {@link MessagesViaChatEvents} frames with constant bytes around an escaped text copied as it is
 * ({@link ChunkOutput#raw}) are byte for byte what the generator writes for the same text, and they keep their
 * order with the events the generator writes in the same chunk, across the raw array's bound.
 */
class MessagesViaChatEventsTest {
    /**
     * Texts, escaped as the Messages generator escapes them (a provider's other spellings, such as a surrogate pair
     * as UTF-8, are {@link ChatChunkScanDifferentialTest}'s: the same events, the provider's bytes).
     */
    private static final List<String> TEXTS = List.of(
            "a",
            "Hello, world",
            "quote \" backslash \\ slash /",
            "newline \n tab \t cr \r bs \b ff \f nul \u0000 us \u001f del \u007f",
            "caf\u00e9 \u4e2d\u6587 \u2028 \u2029 \u00a0 emoji \uD83D\uDE00 think \uD83E\uDD14",
            "{\"location\": \"Paris, France\", \"units\": [\"c\"]}",
            "x".repeat(ChunkOutput.RAW_BYTES - 100),
            "y".repeat(ChunkOutput.RAW_BYTES + 1),
            "\u00e9".repeat(3 * ChunkOutput.RAW_BYTES));

    private static final int[] INDEXES = {0, 1, 9, 10, 99, 100, 12345, Integer.MAX_VALUE};

    private static final List<SerializedString> DELTA_TYPES = List.of(
            MessagesViaChatEvents.TEXT_DELTA,
            MessagesViaChatEvents.THINKING_DELTA,
            MessagesViaChatEvents.INPUT_JSON_DELTA);

    /** {@code text} as the escaped bytes of a JSON string, quotes left out, as Jackson writes it. */
    private static byte[] escaped(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = MessagesViaChatSource.FACTORY.createGenerator(out)) {
            g.writeString(text);
        }
        byte[] quoted = out.toByteArray();
        return Arrays.copyOfRange(quoted, 1, quoted.length - 1);
    }

    private interface Writes {
        void to(MessagesViaChatEvents events) throws IOException;
    }

    /** What {@code writes} writes, as one chunk's bytes. */
    private static String written(Writes writes) throws IOException {
        MessagesViaChatEvents events = new MessagesViaChatEvents();
        try {
            events.begin(ByteBufAllocator.DEFAULT);
            writes.to(events);
            ByteBuf out = events.take();
            try {
                return out.toString(UTF_8);
            } finally {
                out.release();
            }
        } finally {
            events.release();
        }
    }

    @Test
    void delta_escapedBytes_areTheGeneratorsEvent() throws IOException {
        for (String text : TEXTS) {
            byte[] b = escaped(text);
            char[] c = text.toCharArray();
            for (SerializedString type : DELTA_TYPES) {
                for (int index : INDEXES) {
                    String viaGenerator = written(e -> e.delta(index, type, c, 0, c.length));
                    String raw = written(e -> e.delta(index, type, b, 0, b.length));
                    assertEquals(viaGenerator, raw, type.getValue() + " " + index + " " + text);
                }
            }
        }
    }

    @Test
    void delta_partOfAnArray_copiesOnlyThatPart() throws IOException {
        byte[] b = ("{\"content\":\"" + new String(escaped("a \"b\" \u00e9"), UTF_8) + "\"}").getBytes(UTF_8);
        int off = "{\"content\":\"".length();
        int len = b.length - off - 2;
        char[] c = "a \"b\" \u00e9".toCharArray();
        assertEquals(
                written(e -> e.delta(3, MessagesViaChatEvents.TEXT_DELTA, c, 0, c.length)),
                written(e -> e.delta(3, MessagesViaChatEvents.TEXT_DELTA, b, off, len)));
    }

    @Test
    void textBlockStartAndBlockStop_areTheGeneratorsEvents() throws IOException {
        for (int index : INDEXES) {
            for (boolean thinking : new boolean[] {false, true}) {
                String viaGenerator = written(e -> {
                    JsonGenerator g = e.open(MessagesViaChatEvents.CONTENT_BLOCK_START);
                    g.writeNumberField("index", index);
                    g.writeObjectFieldStart("content_block");
                    if (thinking) {
                        g.writeStringField("type", "thinking");
                        g.writeStringField("thinking", "");
                        g.writeStringField("signature", "");
                    } else {
                        g.writeStringField("type", "text");
                        g.writeStringField("text", "");
                    }
                    g.writeEndObject();
                    e.close();
                });
                assertEquals(viaGenerator, written(e -> e.textBlockStart(index, thinking)));
            }
            String stop =
                    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":" + index + "}\n\n";
            assertEquals(stop, written(e -> e.blockStop(index)));
        }
    }

    @Test
    void rawAndGeneratorEvents_keepTheirOrder_acrossTheRawBound() throws IOException {
        // Each step writes one event through the generator or raw; the chunk holds them all, in the order written,
        // whatever each side held when the other wrote (texts short and longer than the raw array).
        StringBuilder expected = new StringBuilder();
        List<Writes> steps = new ArrayList<>();
        int index = 0;
        for (int round = 0; round < 3; round++) {
            for (String text : TEXTS) {
                int i = index++;
                char[] c = text.toCharArray();
                byte[] b = escaped(text);
                expected.append(written(e -> e.delta(i, MessagesViaChatEvents.TEXT_DELTA, c, 0, c.length)));
                steps.add(e -> e.delta(i, MessagesViaChatEvents.TEXT_DELTA, b, 0, b.length));
                expected.append(written(e -> e.delta(i, MessagesViaChatEvents.INPUT_JSON_DELTA, c, 0, c.length)));
                steps.add(e -> e.delta(i, MessagesViaChatEvents.INPUT_JSON_DELTA, c, 0, c.length));
                expected.append(written(e -> e.blockStop(i)));
                steps.add(e -> e.blockStop(i));
                expected.append(written(e -> {
                    e.open(MessagesViaChatEvents.MESSAGE_STOP);
                    e.close();
                }));
                steps.add(e -> {
                    e.open(MessagesViaChatEvents.MESSAGE_STOP);
                    e.close();
                });
            }
        }
        assertEquals(expected.toString(), written(e -> {
            for (Writes step : steps) {
                step.to(e);
            }
        }));
    }
}
