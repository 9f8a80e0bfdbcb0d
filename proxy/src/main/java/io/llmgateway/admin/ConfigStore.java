package io.llmgateway.admin;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.ConfigDocument;
import io.llmgateway.config.ConfigException;
import io.llmgateway.config.ConfigFileWriter;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.ProviderConfig;
import io.llmgateway.server.Gateway;
import io.llmgateway.tls.ServerCertificates;
import io.llmgateway.upstream.Origin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/*
 * Design notes
 * - One owner: every method runs on the admin thread, so edits, reloads and writes are serialised
 *   without locks, and two browsers can never interleave a read-modify-write.
 * - Optimistic concurrency: each accepted change or reload bumps `version`; an edit names the version
 *   it was made on, and a stale one gets 409 instead of silently undoing someone else's change.
 * - The file is the truth the user owns: before an edit is written, the file is compared (by content
 *   hash) with what this store last read or wrote. A hand edit in between makes the edit fail with 409
 *   until the file is reloaded, so the page never overwrites changes made in an editor.
 * - Order of an edit: edit a copy of the document, validate the emitted text with ConfigLoader (the same
 *   validation as at start-up), write the file, and only then apply the config and keep the copy. Any
 *   failure before the last step leaves the file, the document and the running config as they were.
 * - Settings that cannot change while running (the listener's server section) are kept from the running
 *   config; a reload that changes them says so.
 * - A key follows its host: an edit that moves a provider to another scheme, host or port must give its
 *   key again, or the kept key (write-only, so the editor may not even know it) would be sent as Bearer
 *   to whatever host the edit names.
 */
/** The editable configuration: its document, its file (if any), and applying accepted changes. */
final class ConfigStore {
    private static final Logger LOG = LogManager.getLogger(ConfigStore.class);

    /** The edit was made on an outdated view (409). */
    static final class Conflict extends Exception {
        private static final long serialVersionUID = 1L;
        private final String code;

        Conflict(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        String code() {
            return code;
        }
    }

    /** An accepted change: the new version and what the user should know (e.g. no backup written). */
    record Outcome(long version, List<String> warnings) {}

    private final Gateway gateway;
    private final Path file;
    private final Map<String, String> env;
    private final ConfigFileWriter writer;
    private final Runnable onApplied;

    private ConfigDocument document;
    private long version = 1;
    private String notPersistedReason;
    private FileStamp stamp;
    private String startupText;
    private GatewayConfig fileConfig;

    /**
     * @param file the config file, or null: edits then apply in memory only
     * @param env the environment for {@code ${VAR}} references, as at start-up
     * @param onApplied runs (on the admin thread) after each accepted change or reload
     */
    ConfigStore(Gateway gateway, Path file, Map<String, String> env, ConfigFileWriter writer, Runnable onApplied) {
        this.gateway = requireNonNull(gateway, "gateway");
        this.env = Map.copyOf(env);
        this.writer = requireNonNull(writer, "writer");
        this.onApplied = requireNonNull(onApplied, "onApplied");
        Path usable = file;
        if (file != null) {
            try {
                // Only read and fingerprint the file now (so later hand edits are noticed); it is parsed
                // when the page first needs it, which keeps start-up fast.
                this.startupText = Files.readString(file, StandardCharsets.UTF_8);
                this.stamp = FileStamp.of(file, startupText);
            } catch (IOException e) {
                LOG.error("admin: cannot read {} back ({}); page edits will not be saved", file, e.getMessage());
                usable = null;
                notPersistedReason = file.getFileName() + " could not be read back at start-up";
            }
        } else {
            notPersistedReason = "no config file (demo mode)";
        }
        this.file = usable;
    }

    long version() {
        return version;
    }

    /** Whether accepted changes are written to a file. */
    boolean persisted() {
        return file != null;
    }

    /** Why changes are not saved, or null when they are. */
    String notPersistedReason() {
        return notPersistedReason;
    }

    /** The file's name (not its directory: the page does not need the host's layout), or null. */
    String fileName() {
        return file == null ? null : file.getFileName().toString();
    }

    ConfigDocument document() {
        if (document == null) {
            if (startupText == null) {
                // Without a file, the document is rendered from the running config.
                document = ConfigRender.of(gateway.config());
            } else {
                try {
                    document = ConfigDocument.parse(startupText);
                    fileConfig = ConfigLoader.parse(startupText, env);
                } catch (ConfigException e) {
                    // Main loaded this very text a moment before; only a changed environment gets here.
                    throw new IllegalStateException(
                            "the config file read at start-up no longer loads: "
                                    + e.problems().get(0),
                            e);
                }
                startupText = null;
            }
        }
        return document;
    }

    /** Whether the file now differs from what this store last read or wrote (by time and size, then content). */
    boolean changedOnDisk() {
        return changedOnDisk(false);
    }

    /** @param thorough compare the content even when time and size are unchanged (coarse file-system clocks) */
    private boolean changedOnDisk(boolean thorough) {
        if (file == null) {
            return false;
        }
        try {
            FileStamp now = FileStamp.quick(file);
            if (!thorough && now.sameTimeAndSize(stamp)) {
                return false;
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            FileStamp full = FileStamp.of(file, text);
            if (full.hash.equals(stamp.hash)) {
                stamp = full; // touched, not changed
                return false;
            }
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Applies the admin page's changes as one transaction.
     *
     * @throws Conflict when {@code expectedVersion} is not the current version, or the file was edited by hand
     * @throws ConfigEdits.BadEdit when a change is malformed or names what does not exist
     * @throws ConfigException when the result is not a valid configuration, a value would read the
     *         environment, or a provider moves to another host without its key given again (nothing changed)
     * @throws IOException when the file cannot be written (nothing changed)
     */
    Outcome edit(long expectedVersion, Object changes)
            throws Conflict, ConfigEdits.BadEdit, ConfigException, IOException {
        if (expectedVersion != version) {
            throw new Conflict(
                    "stale_version",
                    "The configuration changed since this page loaded it (version " + expectedVersion + ", now "
                            + version + "). Reload and try again.");
        }
        if (changedOnDisk(true)) {
            throw new Conflict(
                    "changed_on_disk",
                    fileName() + " was changed on disk since it was loaded."
                            + " Reload it from the file first, so that those changes are not overwritten.");
        }
        ConfigDocument edited = document().copy();
        Set<String> keysGiven = ConfigEdits.apply(edited, changes);
        String text = edited.toYaml();
        GatewayConfig parsed = ConfigLoader.parse(text, env);
        checkKeysFollowHosts(gateway.config(), parsed, keysGiven);
        List<String> warnings = new ArrayList<>();
        if (file != null) {
            ConfigFileWriter.Result written = writer.write(file, text);
            warnings.addAll(written.warnings());
            stamp = FileStamp.of(file, text);
            fileConfig = parsed;
        }
        apply(parsed, edited);
        return new Outcome(version, warnings);
    }

    /**
     * Reads the file again (edited by hand) with the same validation as at start-up.
     *
     * @throws ConfigException when the file is not valid: the running config stays
     * @throws IOException when it cannot be read
     * @throws IllegalStateException when there is no file
     */
    Outcome reload() throws ConfigException, IOException {
        if (file == null) {
            throw new IllegalStateException("There is no config file to reload from (" + notPersistedReason + ").");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        ConfigDocument doc = ConfigDocument.parse(text);
        GatewayConfig parsed = ConfigLoader.parse(text, env);
        document(); // the start-up version, to compare with
        List<String> warnings = new ArrayList<>();
        if (fileConfig != null && !parsed.server().equals(fileConfig.server())) {
            warnings.add("server settings take effect after a restart");
        }
        if (fileConfig != null && !parsed.upstream().equals(fileConfig.upstream())) {
            warnings.add("upstream settings take effect after a restart");
        }
        stamp = FileStamp.of(file, text);
        fileConfig = parsed;
        apply(parsed, doc);
        ServerCertificates.Outcome tls = gateway.reloadCertificates();
        if (tls != null && tls.problem() != null) {
            warnings.add("the TLS certificate was not replaced (the current one stays): " + tls.problem());
        }
        return new Outcome(version, warnings);
    }

    /** Refuses an edit that would send a provider's kept key to another scheme, host or port. */
    private static void checkKeysFollowHosts(GatewayConfig running, GatewayConfig edited, Set<String> keysGiven)
            throws ConfigException {
        List<String> problems = new ArrayList<>();
        for (ProviderConfig p : edited.providers().values()) {
            ProviderConfig before = running.providers().get(p.name());
            if (before != null
                    && !p.apiKey().isEmpty()
                    && !keysGiven.contains(p.name())
                    && !sameHost(Origin.of(before.baseUrl()), Origin.of(p.baseUrl()))) {
                problems.add("api_provider." + p.name() + ".api_key: required in the same change when base_url"
                        + " moves to another scheme, host or port (the key is never sent to a host it was not"
                        + " given for); enter the key again, or remove it");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static boolean sameHost(Origin a, Origin b) {
        return a.tls() == b.tls() && a.port() == b.port() && a.host().equalsIgnoreCase(b.host());
    }

    private void apply(GatewayConfig parsed, ConfigDocument doc) {
        GatewayConfig running = gateway.config();
        GatewayConfig next;
        if (file != null) {
            next = parsed.withServer(running.server());
        } else {
            // Only providers, models and auto live in the in-memory document; the rest stays as started.
            next = new GatewayConfig(
                    running.server(),
                    running.upstream(),
                    running.routing(),
                    parsed.providers(),
                    parsed.models(),
                    parsed.autoModels(),
                    running.admin(),
                    running.logging(),
                    running.metrics(),
                    running.access(),
                    running.limitsStore(),
                    running.spend(),
                    running.cache(),
                    running.tracing());
        }
        gateway.reconfigure(next);
        document = doc;
        version++;
        onApplied.run();
    }

    /** What identifies a version of the file: cheap (time, size) and exact (content hash). */
    private record FileStamp(long modifiedMillis, long size, String hash) {

        static FileStamp quick(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(a.lastModifiedTime().toMillis(), a.size(), null);
        }

        static FileStamp of(Path file, String text) throws IOException {
            FileStamp q = quick(file);
            return new FileStamp(q.modifiedMillis, q.size, sha256(text));
        }

        boolean sameTimeAndSize(FileStamp other) {
            return other != null && modifiedMillis == other.modifiedMillis && size == other.size;
        }

        private static String sha256(String text) {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
                return java.util.HexFormat.of().formatHex(d);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }
    }
}
