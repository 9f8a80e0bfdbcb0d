package io.llmgateway.testing;

/** JSON string quoting for the mock's answers, escaping as the gateway's own writer does. */
final class MockJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private MockJson() {}

    /** {@code value} as a quoted JSON string, or the literal {@code null}. */
    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    // Also '<', '>', the JS line separators and lone surrogates, which UTF-8 cannot carry.
                    if (c < 0x20
                            || c == '<'
                            || c == '>'
                            || c == '\u2028'
                            || c == '\u2029'
                            || isLoneSurrogate(value, i)) {
                        sb.append("\\u")
                                .append(HEX[c >> 12 & 0xF])
                                .append(HEX[c >> 8 & 0xF])
                                .append(HEX[c >> 4 & 0xF])
                                .append(HEX[c & 0xF]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
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
