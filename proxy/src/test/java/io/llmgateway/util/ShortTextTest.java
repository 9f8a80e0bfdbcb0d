package io.llmgateway.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ShortTextTest {

    @Test
    void cap_shortTextOrNull_isReturnedAsItIs() {
        String text = "/chat/completions";
        assertSame(text, ShortText.cap(text, text.length()));
        assertNull(ShortText.cap(null, 5));
    }

    @Test
    void cap_longText_isCutAndMarked() {
        assertEquals("abc...", ShortText.cap("abcdef", 3));
    }

    @Test
    void cap_neverSplitsASurrogatePair() {
        String smiley = "\uD83D\uDE00";
        assertEquals("a...", ShortText.cap("a" + smiley + "b", 2));
        assertEquals("a" + smiley + "...", ShortText.cap("a" + smiley + "b", 3));
    }

    @Test
    void cap_zeroChars_isAnArgumentError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShortText.cap("x", 0));
        assertEquals("maxChars: 0 (expected: >= 1)", e.getMessage());
    }
}
