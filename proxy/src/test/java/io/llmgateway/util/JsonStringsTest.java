package io.llmgateway.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonStringsTest {

    @Test
    void quote_escapesWhatMustOrShouldBe_keepsTheRest() {
        assertEquals("\"plain text, 42!\"", JsonStrings.quote("plain text, 42!"));
        assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\"", JsonStrings.quote("a\"b\\c\nd\re\tf"));
        assertEquals("\"\\u0000\\u001f\u007f?\"", JsonStrings.quote("\u0000\u001f\u007f?"), "DEL is allowed raw");
        assertEquals("\"\\u003cscript\\u003e\"", JsonStrings.quote("<script>"));
        assertEquals("\"\\u2028\\u2029\"", JsonStrings.quote("\u2028\u2029"));
        assertEquals(
                "\"\u00e9\u4e2d\uD83D\uDE00\"", JsonStrings.quote("\u00e9\u4e2d\uD83D\uDE00"), "valid text stays raw");
        assertEquals(
                "\"x\\ud83dy\\ude00\\ud83d\"", JsonStrings.quote("x\uD83Dy\uDE00\uD83D"), "lone surrogates escaped");
        assertEquals("\"\"", JsonStrings.quote(""));
        assertEquals("null", JsonStrings.quote(null));
        StringBuilder sb = new StringBuilder("x=");
        JsonStrings.appendQuotedOrNull(sb, "\"start and end\"");
        assertEquals("x=\"\\\"start and end\\\"\"", sb.toString());
    }

    @Test
    void writeQuotedUtf8_isTheUtf8OfAppendQuoted_forEveryKindOfCharacter() {
        // each kind the escaping tells apart: plain ASCII, the named escapes, other controls, DEL, the HTML
        // brackets, two- and three-byte text, the JS separators, a pair, and surrogates on their own
        char[] pool = {
            'a', 'Z', '7', ' ', '"', '\\', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f', '<', '>', '\u00e9', '\u07ff',
            '\u0800', '\u4e2d', '\uffff', '\u2028', '\u2029', '\uD83D', '\uDE00'
        };
        Random random = new Random(42);
        for (int n = 0; n < 2000; n++) {
            char[] text = new char[random.nextInt(12)];
            for (int i = 0; i < text.length; i++) {
                text[i] = pool[random.nextInt(pool.length)];
            }
            String value = new String(text);
            StringBuilder sb = new StringBuilder();
            JsonStrings.appendQuoted(sb, value);
            byte[] expected = sb.toString().getBytes(StandardCharsets.UTF_8);

            byte[] dst = new byte[3 + JsonStrings.maxQuotedUtf8Length(value)];
            dst[0] = 'x';
            int end = JsonStrings.writeQuotedUtf8(value, dst, 1);

            assertEquals('x', dst[0]);
            assertEquals(
                    new String(expected, StandardCharsets.UTF_8),
                    new String(Arrays.copyOfRange(dst, 1, end), StandardCharsets.UTF_8),
                    "for " + sb);
            assertEquals(Arrays.toString(expected), Arrays.toString(Arrays.copyOfRange(dst, 1, end)), "for " + sb);
        }
    }
}
