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
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    // '<', '>' and the JS line separators are escaped too, so a value stays inert if a
                    // page ever embeds it raw; a lone surrogate would become '?' in UTF-8, its escape
                    // keeps the text faithful.
                    if (c < 0x20 || c == '<' || c == '>' || c == '\u2028' || c == '\u2029'
                            || isLoneSurrogate(value, i)) {
                        sb.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
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
