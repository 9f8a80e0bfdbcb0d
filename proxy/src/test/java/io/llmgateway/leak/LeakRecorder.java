package io.llmgateway.leak;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects Netty's leak reports so a test can fail on them instead of a line in a log nobody reads.
 * Installed as the detector factory before any buffer class is loaded (see {@link LeakDetectionSession}).
 */
public final class LeakRecorder extends ResourceLeakDetectorFactory {
    private static final List<String> LEAKS = new ArrayList<>();

    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
            Class<T> resource, int samplingInterval, long maxActive) {
        ResourceLeakDetector<T> detector = new ResourceLeakDetector<>(resource, samplingInterval, maxActive);
        detector.setLeakListener((type, records) -> record(type + " leaked:\n" + records));
        return detector;
    }

    private static synchronized void record(String leak) {
        LEAKS.add(leak);
    }

    /** Leaks reported since the last call, which clears them. */
    public static synchronized List<String> drain() {
        List<String> out = new ArrayList<>(LEAKS);
        LEAKS.clear();
        return out;
    }
}
