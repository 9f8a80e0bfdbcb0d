package io.llmgateway.util;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AsciiDigitsTest {

    @Test
    void only_plainDigits() {
        assertTrue(AsciiDigits.only("0"));
        assertTrue(AsciiDigits.only("0123456789"));
        assertFalse(AsciiDigits.only(""));
        assertFalse(AsciiDigits.only("12 "));
        assertFalse(AsciiDigits.only("-1"));
        assertFalse(AsciiDigits.only("1e3"));
        assertFalse(
                AsciiDigits.only("\u0661\u0662"), "Arabic-Indic digits are digits to Character.isDigit, not to HTTP");
    }
}
