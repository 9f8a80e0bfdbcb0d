package io.llmgateway.tokens;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The compact tokenizers must count exactly as jtokkit (tiktoken's Java port) does, on any text. */
class BpeTokenizerTest {
    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    private static final Encoding JT_O200K = REGISTRY.getEncoding(EncodingType.O200K_BASE);
    private static final Encoding JT_CL100K = REGISTRY.getEncoding(EncodingType.CL100K_BASE);
    private static final BpeTokenizer O200K = (BpeTokenizer) Vocabularies.o200k();
    private static final BpeTokenizer CL100K = (BpeTokenizer) Vocabularies.cl100k();

    private static final List<String> SAMPLES = List.of(
            "",
            "x",
            "You are a helpful assistant.",
            "Quelle est la capitale de la France ? Réponds en un mot, s'il te plaît. Ça va très bien !",
            "Ich möchte drei Äpfel, Öl und Straßenbahnfahrkarten für München kaufen.",
            "Как дела? Столица Франции — Париж. Я ЗНАЮ, что это правда; 2024 год.",
            "日本の首都は東京です。今日は良い天気ですね！ カタカナ、ひらがな、漢字。",
            "中华人民共和国成立于1949年10月1日。我爱北京天安门！",
            "안녕하세요, 만나서 반갑습니다. 서울은 한국의 수도입니다.",
            "مرحبا بالعالم! عاصمة فرنسا هي باريس. ١٢٣٤٥ ٦٧٨",
            "नमस्ते दुनिया! फ्रांस की राजधानी पेरिस है। क्षत्रिय",
            "Emoji 😀👍🏽 👨‍👩‍👧‍👦 family, flags 🇫🇷🇩🇪 and ✔️ marks ♥♥♥",
            "Combining: e\u0301 a\u0308 n\u0303 Z\u0335\u0321a\u0336lgo; NFKC ﬁ ﬂ ＡＢＣ １２３",
            "Mixed code: int café = 3; // naïve résumé\n\tString s = \"über\"; /* コメント */\r\n",
            "Whitespace\u00a0non-breaking\u2003em\u3000ideographic \u2028 line \u2029 para\u0085nel",
            "Numbers ١٢٣ ๑๒๓ ⅫⅣ ² ³ ½ 1234567890 3.14159 ０１２",
            "Contractions in caps: I'M, YOU'RE, WE'LL, THEY'VE, HE'D, IT'S; Ünicode'S ÉTÉ'D",
            "Apostrophes ’ curly ‘quoted’ words: don’t, it’s “double”",
            "Lone surrogates \ud800 and \udfff and reversed \udc00\ud800 in text",
            "    indented\n\n\n    code\r\n\r\n  \t  trailing   ");

    @Test
    void count_multilingualText_matchesJtokkit() {
        for (String text : SAMPLES) {
            assertSameCounts(text);
        }
    }

    @Test
    void count_randomText_matchesJtokkit() {
        // Draws from ASCII, Latin-1, several scripts, marks, digits of other scripts, odd white space,
        // emoji (surrogate pairs) and lone surrogates, so the split's rarer branches all come up.
        String[] pools = {
            "abcXYZ",
            "0123456789",
            " \t\n\r\u000b\f",
            "'\"!?.,;:-_/\\()[]{}<>@#$%^&*+=|~`",
            "éèÀÖßñçÿ",
            "абвЖЯ",
            "日本語中文",
            "한국어",
            "عربي",
            "हिन्दी",
            "\u0301\u0308\u0903",
            "١٢٣๑๒",
            "\u00a0\u2003\u3000\u2028\u0085",
            "😀👍🏽🇫🇷",
            "’‘“”",
            "\ud800\udfff"
        };
        Random random = new Random(20261126);
        for (int n = 0; n < 3000; n++) {
            assertSameCounts(RandomText.of(random, pools, 60));
        }
    }

    @Test
    void count_longPieces_mergeThroughTheHeapLikeTheScan() {
        Random random = new Random(7);
        StringBuilder b64 = new StringBuilder();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 5000; i++) {
            b64.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        for (String text : List.of(
                "a".repeat(BpeTokenizer.SCAN_MAX - 1),
                "a".repeat(BpeTokenizer.SCAN_MAX),
                "a".repeat(BpeTokenizer.SCAN_MAX + 1),
                "a".repeat(10_000),
                "!".repeat(3000),
                "é".repeat(2000),
                "日本".repeat(1500),
                "😀".repeat(700),
                b64.toString(),
                "abcé".repeat(800),
                " ".repeat(4000))) {
            assertSameCounts(text);
        }
    }

    @Test
    void count_pieceBeyondTheSliceLength_staysCloseToExactWithBoundedMemory() {
        for (String unit : List.of("a", "é", "😀", "-")) {
            String text = unit.repeat(3 * BpeTokenizer.MAX_PIECE_CHARS / unit.length() + 7);
            int exact = JT_O200K.countTokensOrdinary(text);
            int slices = (text.length() + BpeTokenizer.MAX_PIECE_CHARS - 1) / BpeTokenizer.MAX_PIECE_CHARS;
            int ours = O200K.count(text);
            assertTrue(
                    Math.abs(ours - exact) <= 2 * slices,
                    () -> unit + ": " + ours + " against tiktoken's " + exact + " in " + slices + " slices");
            assertEquals(ours, Vocabularies.o200kAscii().join().count(text), "the ASCII counter slices alike");
        }
    }

    @Test
    void countBytes_heapAndScanAgreeOnEveryLength() {
        Random random = new Random(11);
        for (int len = 2; len <= 3 * BpeTokenizer.SCAN_MAX; len++) {
            byte[] piece = new byte[len];
            for (int i = 0; i < len; i++) {
                piece[i] = (byte) "aabbbcx".charAt(random.nextInt(7));
            }
            assertEquals(
                    JT_O200K.countTokensOrdinary(new String(piece, UTF_8)),
                    O200K.countBytes(piece, len),
                    "piece of " + len + " bytes");
        }
    }

    @Test
    void load_anEmptyRankFile_isRejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> BpeTokenizer.load("empty", new O200kSplitter(), new ByteArrayInputStream(new byte[0])));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void utf8_encodesLikeStringGetBytes() {
        for (String text : SAMPLES) {
            byte[] out = new byte[3 * text.length()];
            int n = BpeTokenizer.utf8(text, 0, text.length(), out);
            assertArrayEquals(text.getBytes(UTF_8), Arrays.copyOf(out, n), text);
        }
        byte[] out = new byte[8];
        assertEquals(1, BpeTokenizer.utf8("\ud83d\ude00", 0, 1, out), "half a pair in the range is lone");
        assertEquals('?', out[0]);
    }

    @Test
    void vocabularies_countO200kWithTheCompactTokenizer() {
        assertTrue(Vocabularies.o200k() instanceof BpeTokenizer);
        assertEquals("o200k_base", Vocabularies.o200k().name());
        assertTrue(Vocabularies.cl100k() instanceof BpeTokenizer);
        assertEquals("cl100k_base", Vocabularies.cl100k().name());
    }

    private static void assertSameCounts(String text) {
        assertEquals(JT_O200K.countTokensOrdinary(text), O200K.count(text), () -> "o200k, text: [" + text + "]");
        // jtokkit's cl100k parser asserts that the text is valid UTF-16; both encode a lone surrogate as '?'.
        String valid = new String(text.getBytes(UTF_8), UTF_8);
        assertEquals(JT_CL100K.countTokensOrdinary(valid), CL100K.count(text), () -> "cl100k, text: [" + text + "]");
    }
}
