package io.llmgateway.tokens;

/** Counts the tokens of plain text in one encoding (special tokens such as {@code <|endoftext|>} are text). */
interface TokenCounter {
    /** The encoding's name, e.g. {@code o200k_base}. */
    String name();

    int count(String text);
}
