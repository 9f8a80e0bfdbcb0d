package io.llmgateway; public final class Main { public static void main(String[] a){} }
