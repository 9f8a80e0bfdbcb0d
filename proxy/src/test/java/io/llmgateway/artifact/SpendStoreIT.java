package io.llmgateway.artifact;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.spend.SpendWriterProcess;
import java.io.File;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spend store from the shaded jar: SQLite's classes and native library load from it (nothing else on the
 * class path has them), and spend survives a SIGKILL. The child is a test class run against the jar's classes.
 */
class SpendStoreIT {
    @TempDir
    Path dir;

    @Test
    void shadedJar_sqliteLoads_andSpendSurvivesSigkill() throws Exception {
        Path jar = GatewayProcess.jar();
        Path testClasses = Path.of(SpendWriterProcess.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        String header = SpendWriterProcess.killAndCheck(jar + File.pathSeparator + testClasses, dir);
        assertTrue(
                header.startsWith("sqlite 3.")
                        && header.endsWith(jar.getFileName().toString()),
                header);
    }
}
