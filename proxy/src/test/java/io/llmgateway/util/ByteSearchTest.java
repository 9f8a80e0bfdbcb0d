package io.llmgateway.util;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteSearchTest {
    private static final byte[] USAGE = "\"usage\"".getBytes(UTF_8);

    private static String randomText(Random random, String[] pieces, int maxPieces) {
        StringBuilder sb = new StringBuilder();
        for (int k = random.nextInt(maxPieces); k > 0; k--) {
            sb.append(pieces[random.nextInt(pieces.length)]);
        }
        return sb.toString();
    }

    /** The eight-bytes-at-a-time search against a plain one, at every offset and length, with lookalikes. */
    @Test
    void indexOfNeedle_agreesWithAPlainSearch() {
        Random random = new Random(7);
        String[] pieces = {"\"usage\"", "usage", "\"usag", "sage\"", "g", "gg", "\"", "x", "\"usagee\"", "\"Usage\""};
        for (int n = 0; n < 2000; n++) {
            String s = randomText(random, pieces, 12);
            byte[] b = s.getBytes(UTF_8);
            for (int from = 0; from <= b.length; from++) {
                for (int len = from; len <= b.length; len++) {
                    int expected = s.substring(0, len).indexOf("\"usage\"", from);
                    assertEquals(
                            expected, ByteSearch.indexOf(b, from, len, USAGE, 4), s + " from " + from + " len " + len);
                }
            }
        }
    }

    @Test
    void indexOfNeedle_anyAnchorFindsTheSame() {
        Random random = new Random(11);
        String[] pieces = {"abc", "ab", "bc", "a", "c", "xyz", "cab"};
        byte[] needle = "abc".getBytes(UTF_8);
        for (int n = 0; n < 500; n++) {
            String s = randomText(random, pieces, 10);
            byte[] b = s.getBytes(UTF_8);
            for (int anchor = 0; anchor < needle.length; anchor++) {
                for (int from = 0; from <= b.length; from++) {
                    assertEquals(
                            s.indexOf("abc", from),
                            ByteSearch.indexOf(b, from, b.length, needle, anchor),
                            s + " from " + from + " anchor " + anchor);
                }
            }
        }
    }

    @Test
    void indexOfNeedle_anchorOutsideTheNeedle_throws() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ByteSearch.indexOf(new byte[8], 0, 8, USAGE, 7));
        assertEquals("anchor: 7 (expected: 0 to 6)", e.getMessage());
    }

    @Test
    void indexOfEither_agreesWithAPlainSearch() {
        Random random = new Random(5);
        String[] pieces = {"\r", "\n", "\r\n", "data: x", "\u00e9", "y", "\u0000", "\u008a\u008d"};
        for (int n = 0; n < 2000; n++) {
            byte[] b = randomText(random, pieces, 14).getBytes(UTF_8);
            for (int from = 0; from <= b.length; from++) {
                for (int to = from; to <= b.length; to++) {
                    int expected = -1;
                    for (int i = from; i < to; i++) {
                        if (b[i] == '\r' || b[i] == '\n') {
                            expected = i;
                            break;
                        }
                    }
                    assertEquals(
                            expected,
                            ByteSearch.indexOfEither(b, from, to, (byte) '\n', (byte) '\r'),
                            "from " + from + " to " + to);
                }
            }
        }
    }

    @Test
    void indexOfEither_highBytes() {
        byte[] b = new byte[20];
        b[13] = (byte) 0xff;
        b[17] = (byte) 0x80;
        assertEquals(13, ByteSearch.indexOfEither(b, 1, 20, (byte) 0x80, (byte) 0xff));
        assertEquals(17, ByteSearch.indexOfEither(b, 14, 20, (byte) 0x80, (byte) 0xff));
        assertEquals(-1, ByteSearch.indexOfEither(b, 14, 17, (byte) 0x80, (byte) 0xff));
    }

    @Test
    void indexOfByte_withinTheRangeOnly() {
        byte[] b = "a:b:c".getBytes(UTF_8);
        assertEquals(1, ByteSearch.indexOf(b, 0, b.length, (byte) ':'));
        assertEquals(3, ByteSearch.indexOf(b, 2, b.length, (byte) ':'));
        assertEquals(-1, ByteSearch.indexOf(b, 2, 3, (byte) ':'));
    }
}
