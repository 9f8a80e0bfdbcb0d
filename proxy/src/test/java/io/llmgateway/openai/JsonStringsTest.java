package io.llmgateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonStringsTest {

    @Test
    void quote_escapesWhatMustOrShouldBe_keepsTheRest() {
        assertEquals("\"plain text, 42!\"", JsonStrings.quote("plain text, 42!"));
        assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\"", JsonStrings.quote("a\"b\\c\nd\re\tf"));
        assertEquals("\"\\u0000\\u001f\u007f?\"", JsonStrings.quote("\u0000\u001f\u007f?"), "DEL is allowed raw");
        assertEquals("\"\\u003cscript\\u003e\"", JsonStrings.quote("<script>"));
        assertEquals("\"\\u2028\\u2029\"", JsonStrings.quote("\u2028\u2029"));
        assertEquals("\"\u00e9\u4e2d\uD83D\uDE00\"", JsonStrings.quote("\u00e9\u4e2d\uD83D\uDE00"), "valid text stays raw");
        assertEquals("\"x\\ud83dy\\ude00\\ud83d\"", JsonStrings.quote("x\uD83Dy\uDE00\uD83D"), "lone surrogates escaped");
        assertEquals("\"\"", JsonStrings.quote(""));
        assertEquals("null", JsonStrings.quote(null));
        StringBuilder sb = new StringBuilder("x=");
        JsonStrings.appendQuotedOrNull(sb, "\"start and end\"");
        assertEquals("x=\"\\\"start and end\\\"\"", sb.toString());
    }
}
