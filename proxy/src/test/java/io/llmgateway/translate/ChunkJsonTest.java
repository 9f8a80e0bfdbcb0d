package io.llmgateway.translate;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link ChunkJson#string}: whatever byte ends a plain run (a quote, a backslash, a control character, a byte of a
 * multi-byte character), at whatever offset, is found and judged as JSON's grammar says, and nothing past the
 * event's end is read. {@link ChunkJson#key} matches a key only whole.
 */
class ChunkJsonTest {
    /** What {@code string} says of {@code body} between quotes, the array filled past the event with {@code past}. */
    private static int string(String body, byte past) {
        byte[] event = ("\"" + body + "\"").getBytes(ISO_8859_1); // one char, one byte: bodies spell bytes
        byte[] data = Arrays.copyOf(event, event.length + 24);
        Arrays.fill(data, event.length, data.length, past);
        ChunkJson json = new ChunkJson();
        json.begin(data, event.length);
        return json.string(0);
    }

    @Test
    void string_eachKindOfByte_atEveryOffset() {
        for (int before = 0; before < 20; before++) {
            for (int after = 0; after < 20; after++) {
                String a = "a".repeat(before);
                String z = "z".repeat(after);
                int whole = before + after + 2; // the index after the closing quote, for a one-byte middle
                for (char plain : new char[] {' ', '!', '#', '/', '[', ']', '~', 0x7f}) {
                    assertEquals(whole + 1, string(a + plain + z, (byte) '"'), a + (int) plain + z);
                }
                for (char control : new char[] {0, 1, '\n', 0x1f}) {
                    assertEquals(-1, string(a + control + z, (byte) '"'), a + (int) control + z);
                }
                assertEquals(before + 2, string(a + "\"" + z, (byte) 'x'), "a quote ends the string");
                assertEquals(whole + 2, string(a + "\\n" + z, (byte) '"'), "an escape");
                assertEquals(whole + 2, string(a + "\\\\" + z, (byte) '"'), "an escaped backslash");
                assertEquals(whole + 2, string(a + "\\\"" + z, (byte) '"'), "an escaped quote");
                assertEquals(whole + 6, string(a + "\\u00e9" + z, (byte) '"'), "a \\u escape");
                assertEquals(-1, string(a + "\\x" + z, (byte) '"'), "not JSON's escape");
                assertEquals(whole + 2, string(a + "\u00c3\u00a9" + z, (byte) '"'), "UTF-8 of e acute");
                assertEquals(whole + 4, string(a + "\u00f0\u009f\u0098\u0080" + z, (byte) '"'), "UTF-8 of an emoji");
                assertEquals(-1, string(a + "\u00ff" + z, (byte) '"'), "not UTF-8");
                assertEquals(-1, string(a + "\u0080" + z, (byte) '"'), "a lone continuation byte");
            }
        }
    }

    @Test
    void key_matchesOnlyTheWholeName() {
        byte[] data = "\"content\"\"contents\"\"conten\"\"Content\"".getBytes(ISO_8859_1);
        ChunkJson json = new ChunkJson();
        json.begin(data, data.length);
        byte[] name = "content".getBytes(ISO_8859_1);
        assertTrue(json.key(1, 8, name));
        assertFalse(json.key(10, 18, name), "longer");
        assertFalse(json.key(20, 26, name), "shorter");
        assertFalse(json.key(28, 35, name), "another byte");
    }

    @Test
    void string_unclosedAtTheEventsEnd_isNotClosedByWhatLiesPast() {
        for (int n = 0; n < 40; n++) {
            byte[] data = ("\"" + "a".repeat(n) + "\"").getBytes(ISO_8859_1);
            ChunkJson json = new ChunkJson();
            json.begin(data, data.length - 1); // the closing quote lies past the event
            assertEquals(-1, json.string(0), "length " + n);
        }
    }
}
