package io.llmgateway.protocol;

import static java.util.Objects.requireNonNull;

/**
 * A client error found in a request body, answered as a 400 in the client's error shape.
 * Thrown on the event loop for every malformed request, so it carries no stack trace.
 */
public final class BadRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String param;
    private final String code;

    /**
     * @param message the text for {@code error.message}; never contains request text beyond a key name
     * @param param the offending parameter for {@code error.param}, or {@code null}
     */
    public BadRequestException(String message, String param) {
        this(message, param, null);
    }

    /**
     * @param message the text for {@code error.message}; never contains request text beyond a key name
     * @param param the offending parameter for {@code error.param}, or {@code null}
     * @param code the value for {@code error.code}, or {@code null}
     */
    public BadRequestException(String message, String param, String code) {
        super(requireNonNull(message, "message"), null, false, false);
        this.param = param;
        this.code = code;
    }

    /** The text for {@code error.message}. */
    public String message() {
        return getMessage();
    }

    /** The offending parameter for {@code error.param}, or {@code null}. */
    public String param() {
        return param;
    }

    /** The value for {@code error.code}, or {@code null}. */
    public String code() {
        return code;
    }
}
