package io.llmgateway.demo;

/** A client mistake the demo answers with OpenAI's 400 {@code invalid_request_error}. */
final class BadRequestException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String param;

    BadRequestException(String message, String param) {
        super(message, null, false, false);
        this.param = param;
    }

    /** The offending request field, or {@code null} when it is the body as a whole. */
    String param() {
        return param;
    }
}
