package io.llmgateway.openai;

/**
 * JSON string escaping for the documents the gateway writes by hand (errors, model lists, the demo
 * provider's answers, the mock's bodies in tests). Stricter than JSON requires, on purpose: see below.
 */
public final class JsonStrings {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonStrings() {
    }

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
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '<' && c != '>') {
                continue; // the usual character
            }
            String escape = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> null;
            };
            // '<', '>' and the JS line separators are escaped too, so a value stays inert if a page ever embeds
            // it raw; a lone surrogate would become '?' in UTF-8, its escape keeps the text faithful.
            if (escape == null && !(c < 0x20 || c == '<' || c == '>' || c == '\u2028' || c == '\u2029'
                    || isLoneSurrogate(value, i))) {
                continue; // other non-ASCII text stays as it is
            }
            sb.append(value, plainFrom, i);
            if (escape != null) {
                sb.append(escape);
            } else {
                sb.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                        .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            }
            plainFrom = i + 1;
        }
        sb.append(value, plainFrom, value.length()).append('"');
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
