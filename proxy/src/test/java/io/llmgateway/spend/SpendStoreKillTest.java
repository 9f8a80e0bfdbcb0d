package io.llmgateway.spend;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spend survives a SIGKILL: at most the last second is lost. (The shaded jar's case: artifact.SpendStoreIT.) */
class SpendStoreKillTest {
    @TempDir
    Path dir;

    @Test
    void sigkill_spendRecordedUpToASecondBefore_isKept() throws Exception {
        SpendWriterProcess.killAndCheck(System.getProperty("java.class.path"), dir);
    }
}
