package io.llmgateway.util;

/** For the HTTP and host fields that must be plain numbers: '0' to '9' only (not other scripts' digits). */
public final class AsciiDigits {
    private AsciiDigits() {}

    /** Whether {@code s} is non-empty and has only ASCII digits. */
    public static boolean only(CharSequence s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
