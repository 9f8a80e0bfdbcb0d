package io.llmgateway.util;

import org.jspecify.annotations.Nullable;

/**
 * JSON string escaping for the documents the gateway writes by hand (errors, model lists, the demo
 * provider's answers, the mock's bodies in tests). Stricter than JSON requires, on purpose: see below.
 */
public final class JsonStrings {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonStrings() {}

    public static void appendQuotedOrNull(StringBuilder sb, String value) {
        if (value == null) {
            sb.append("null");
        } else {
            appendQuoted(sb, value);
        }
    }

    public static void appendQuoted(StringBuilder sb, String value) {
        sb.append('"');
        int plainFrom = 0; // characters from here on need no escape and are appended in one go
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isPlainAscii(c)) {
                continue; // the usual character
            }
            String escape = escapeAt(value, i);
            if (escape == null) {
                continue; // other text stays as it is
            }
            sb.append(value, plainFrom, i).append(escape);
            plainFrom = i + 1;
        }
        sb.append(value, plainFrom, value.length()).append('"');
    }

    /** The most bytes {@link #writeQuotedUtf8} writes for {@code value}: six per character (an escape). */
    public static int maxQuotedUtf8Length(String value) {
        return 6 * value.length() + 2;
    }

    /**
     * Writes {@code value} as a quoted JSON string in UTF-8 into {@code dst} from {@code at}, escaped as
     * {@link #appendQuoted} does, and returns the index after it. For writers that build bytes directly (the
     * interaction log: a StringBuilder and a separate encoding pass cost twice as much); {@code dst} must have
     * {@link #maxQuotedUtf8Length} bytes from {@code at}.
     */
    public static int writeQuotedUtf8(String value, byte[] dst, int at) {
        dst[at++] = '"';
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (isPlainAscii(c)) {
                dst[at++] = (byte) c;
                continue;
            }
            String escape = escapeAt(value, i);
            if (escape != null) {
                for (int k = 0; k < escape.length(); k++) {
                    dst[at++] = (byte) escape.charAt(k);
                }
            } else if (c < 0x80) {
                dst[at++] = (byte) c;
            } else if (c < 0x800) {
                dst[at++] = (byte) (0xC0 | c >> 6);
                dst[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c)) { // a valid pair (a lone one has an escape)
                int cp = Character.toCodePoint(c, value.charAt(++i));
                dst[at++] = (byte) (0xF0 | cp >> 18);
                dst[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
                dst[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
                dst[at++] = (byte) (0x80 | cp & 0x3F);
            } else {
                dst[at++] = (byte) (0xE0 | c >> 12);
                dst[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                dst[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        dst[at++] = '"';
        return at;
    }

    /** Printable ASCII that JSON and HTML take as it is: the usual character, written without a second look. */
    private static boolean isPlainAscii(char c) {
        return c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '<' && c != '>';
    }

    /** The escape of the character at {@code i}, or null when it is written as it is. */
    private static @Nullable String escapeAt(String value, int i) {
        char c = value.charAt(i);
        String named = switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> null;
        };
        if (named != null) {
            return named;
        }
        // '<', '>' and the JS line separators are escaped too, so a value stays inert if a page ever embeds
        // it raw; a lone surrogate would become '?' in UTF-8, its escape keeps the text faithful.
        if (c < 0x20 || c == '<' || c == '>' || c == '\u2028' || c == '\u2029' || isLoneSurrogate(value, i)) {
            return new String(
                    new char[] {'\\', 'u', HEX[(c >> 12) & 0xF], HEX[(c >> 8) & 0xF], HEX[(c >> 4) & 0xF], HEX[c & 0xF]
                    });
        }
        return null;
    }

    /** Returns {@code value} as a quoted JSON string, or the literal {@code null}. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(value.length() + 2);
        appendQuoted(sb, value);
        return sb.toString();
    }

    private static boolean isLoneSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }
}
