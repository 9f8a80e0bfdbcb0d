package io.llmgateway.bench;

/** {@code --name value} command-line options of the small harness programs. */
public final class Args {
    private final String[] args;

    public Args(String[] args) {
        this.args = args.clone();
    }

    public String value(String name, String dflt) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }

    public int intValue(String name, int dflt) {
        String v = value(name, null);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": expected an integer, got \"" + v + '"');
        }
    }
}
