package io.llmgateway.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written splits must cut every text exactly where the encodings' regexes do. */
class SplittersTest {
    private static final Pattern O200K = Pattern.compile(O200kSplitter.PATTERN, Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern CL100K = Pattern.compile(Cl100kSplitter.PATTERN, Pattern.UNICODE_CHARACTER_CLASS);

    @Test
    void pieces_realisticText_areTheRegexs() {
        for (String text : List.of(
                "",
                "x",
                "You are a helpful assistant.",
                "I'm sure they'll say it's DON'T, WE'VE",
                "'s 't 're 've 'm 'll 'd 'S 'RE 'Ll 'x 'r 'l",
                "HTTPServer getX2Y 3.14159 1234567 a+b=c!!! //path/to/x",
                "def f(x):\n    return x * 2  # comment\n\n\tif (a && b) { c(); }\r\n// done",
                "   leading and trailing   ",
                "\n\n\n",
                "  \n  \nabc",
                " 123 ",
                "a  b\t\tc \u000b d\fe",
                "Quelle est la capitale ? Ça va très bien !",
                "Как дела? Столица — Париж.",
                "日本の首都は東京です。",
                "مرحبا بالعالم! ١٢٣",
                "नमस्ते दुनिया! क्षत्रिय",
                "Emoji 😀👍🏽 👨‍👩‍👧‍👦 🇫🇷 ✔️",
                "e\u0301 a\u0308 ﬁ ＡＢＣ １２３ Ⅻ ² ½",
                "nbsp\u00a0em\u2003ideo\u3000ls\u2028ps\u2029nel\u0085x",
                "long s: 'ſ 'ſt, Kelvin 'K",
                "lone \ud800 and \udfff and \udc00\ud800",
                "ǅemal ǅ ʰa aʰ Aʰ ʰA ーカー 々々 \u0301a \u0301A a\u0301 A\u0301B \u0301\u0301 x\u20dd",
                "ABCdef ABCDEF's abcDEF DEF'S Ünicode'S ÉTÉ'd",
                " \u0301abc",
                "\t\u0903A",
                "'\u0301")) {
            assertSamePieces(text);
        }
    }

    @Test
    void pieces_randomText_areTheRegexs() {
        // Every class the patterns tell apart: cases, title case, modifier and other letters, the three kinds
        // of marks, the three kinds of numbers, white space of every sort, emoji and lone surrogates.
        String[] pools = {
            "abcXYZ",
            "0123456789",
            " \t\n\r\u000b\f",
            "'\"!?.,;:-_/\\()[]{}<>@#$%^&*+=|~`",
            "sStTmMdDrReEvVlL",
            "ſ",
            "ǅǈ",
            "ʰˆー々",
            "éèÀÖßñçÿ",
            "абвЖЯ",
            "日本語中文",
            "한국어",
            "עברית",
            "عربي",
            "हिन्दी",
            "\u0301\u0308\u0903\u093f\u20dd",
            "١٢٣๑๒Ⅻ²½",
            "\u00a0\u2003\u3000\u2028\u2029\u0085\u001c",
            "😀👍🏽🇫🇷",
            "’‘“”",
            "\ud800\udfff"
        };
        Random random = new Random(20261126);
        for (int n = 0; n < 20_000; n++) {
            assertSamePieces(RandomText.of(random, pools, 40));
        }
    }

    private static void assertSamePieces(String text) {
        assertEquals(regexPieces(O200K, text), pieces(new O200kSplitter(), text), () -> "o200k, text: [" + text + "]");
        assertEquals(
                regexPieces(CL100K, text), pieces(new Cl100kSplitter(), text), () -> "cl100k, text: [" + text + "]");
    }

    private static List<String> regexPieces(Pattern pattern, String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int last = 0;
        while (m.find()) {
            assertEquals(last, m.start(), () -> "the regex skipped chars of [" + text + "]");
            pieces.add(m.group());
            last = m.end();
        }
        return pieces;
    }

    private static List<String> pieces(BpeTokenizer.Splitter splitter, String text) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            int end = splitter.pieceEnd(text, i, text.length());
            pieces.add(text.substring(i, end));
            i = end;
        }
        return pieces;
    }
}
