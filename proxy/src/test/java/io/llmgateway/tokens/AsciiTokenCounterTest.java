package io.llmgateway.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast ASCII counter must agree with jtokkit's o200k_base on every input. */
class AsciiTokenCounterTest {
    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private static final AsciiTokenCounter COUNTER = AsciiTokenCounter.of((BpeTokenizer) Vocabularies.o200k());

    private static void assertSameCount(String text) {
        assertEquals(O200K.countTokensOrdinary(text), COUNTER.count(text), () -> "text: [" + text + "]");
    }

    @Test
    void count_realisticText_matchesJtokkit() {
        for (String text : List.of(
                "",
                "x",
                "You are a helpful assistant.",
                "What is the capital of France? Answer in one word. (request 12345)",
                "I'm sure they'll say it's DON'T, can't, WE'VE, you'RE, I'D, she'LL... 'quoted' words",
                "HTTPServer getX2Y parseJSON iOS eBay McDonald 3.14159 1234567 a+b=c!!! ((hello)) //path/to/x",
                "def f(x):\n    return x * 2  # comment\n\n\tif (a && b) { c(); }\r\n// done /* x */",
                "   leading and trailing   ",
                "\n\n\n",
                "  \n  \nabc",
                " 123 ",
                "a  b\t\tc \u000b d\fe",
                "e.g. U.S.A. isn't it? \"dq\" `code` <tag attr=\"v\"/> {\"json\": [1, 2, 3]} ~!@#$%^&*()_+",
                "----------------------------------------------------------------------------------------------",
                "                                                                                  x",
                "a" + "b".repeat(200) + " " + "1".repeat(50),
                "Control\u0001chars\u001f and DEL\u007f")) {
            assertSameCount(text);
        }
    }

    @Test
    void count_randomAsciiText_matchesJtokkit() {
        Random random = new Random(42);
        String alphabet =
                "aAbBzZeEsStTdDmMlLrRvV0123456789 \t\n\r\u000b\f'/.,!?(){}[]-_\"#$%&*+:;<=>@\\^`|~\u0000\u001f\u007f";
        for (int i = 0; i < 20_000; i++) {
            int n = random.nextInt(48);
            StringBuilder sb = new StringBuilder(n);
            for (int j = 0; j < n; j++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertSameCount(sb.toString());
        }
    }

    @Test
    void count_randomWords_matchesJtokkit() {
        Random random = new Random(7);
        String[] words = {
            "the",
            "The",
            "THE",
            "gateway",
            "Gateway's",
            "token",
            "tokens",
            "count",
            "isn't",
            "we're",
            "API",
            "JSON",
            "HTTP/1.1",
            "x86_64",
            "2024-07-18",
            "$12.50",
            "100%",
            "e-mail",
            "o'clock",
            "foo.bar()",
            "\n",
            "\n\n",
            "  ",
            "\t",
            " - ",
            "...",
            "!",
            "?",
            "https://example.com/v1/chat"
        };
        for (int i = 0; i < 5_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + random.nextInt(30);
            for (int j = 0; j < n; j++) {
                sb.append(words[random.nextInt(words.length)]);
                if (random.nextInt(3) > 0) {
                    sb.append(' ');
                }
            }
            assertSameCount(sb.toString());
        }
    }

    /** Pieces of 9 to 16 chars are looked up in the second table; around its bounds, tokens and non-tokens. */
    @Test
    void count_longWordsAroundTheSecondTablesBounds_matchJtokkit() {
        for (String text : List.of(
                " assistant",
                " information",
                " government",
                " international",
                " responsibilities",
                " internationalization",
                " tokenization",
                " aaaaaaaaaaaaaaa",
                "abcdefghijklmnop",
                "abcdefghijklmnopq",
                " abcdefgh",
                " ABCDEFGHIJKLMNOP",
                "0123456789012345",
                "        x",
                "                x",
                "\n\n\n\n\n\n\n\n\n\n",
                "--------------------",
                "SomeCamelCaseIdentifierName",
                " understanding understanding")) {
            assertSameCount(text);
        }
        Random random = new Random(11);
        String letters = "etaoinshrdlucmfwypvbgkqjxz";
        for (int i = 0; i < 20_000; i++) {
            int n = 8 + random.nextInt(10); // a word of 8-17 letters after a space
            StringBuilder sb = new StringBuilder(" ");
            for (int j = 0; j < n; j++) {
                sb.append(letters.charAt(Math.min(letters.length() - 1, (int) Math.abs(random.nextGaussian() * 8))));
            }
            assertSameCount(sb.toString());
        }
    }

    @Test
    void count_nonAsciiText_goesToTheBpeTokenizer() {
        assertSameCount("caf\u00e9 \u00fcber na\u00efve \u65e5\u672c\u8a9e \ud83d\ude00");
    }

    @Test
    void estimator_usesTheFastCounterForO200k() {
        assertNotNull(Vocabularies.o200kAscii().join(), "jtokkit's o200k rank file is on the class path");
        TokenEstimator e = new TokenEstimator(Runnable::run);
        String text = "Summarise: The quick brown fox jumps over the lazy dog, 3 times!";
        assertEquals(O200K.countTokensOrdinary(text), e.countText(text, "o200k_base"));
    }
}
