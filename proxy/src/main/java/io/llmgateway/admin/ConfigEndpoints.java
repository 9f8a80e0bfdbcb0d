package io.llmgateway.admin;

import static io.llmgateway.admin.AdminReply.done;
import static java.util.Objects.requireNonNull;

import io.llmgateway.config.ConfigException;
import io.llmgateway.util.JsonValues;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** The config endpoints of the admin API: read, edit and reload, with the version as an ETag. */
final class ConfigEndpoints {
    private static final Logger LOG = LogManager.getLogger(AdminApi.class); // one log category for the API

    private final ConfigStore store;
    private final SeqRing<AdminError> errors;
    private final LongSupplier clock;

    ConfigEndpoints(ConfigStore store, SeqRing<AdminError> errors, LongSupplier clock) {
        this.store = requireNonNull(store, "store");
        this.errors = requireNonNull(errors, "errors");
        this.clock = requireNonNull(clock, "clock");
    }

    CompletionStage<AdminReply> config(AdminCall call) {
        return done(new AdminReply(200, ConfigView.json(store), Map.of("etag", etag(store.version()))));
    }

    CompletionStage<AdminReply> edit(AdminCall call) throws Json.BadJson {
        Map<String, Object> body = Json.parseObject(call.body());
        Long expected = expectedVersion(call.ifMatch(), body.get("version"));
        if (expected == null) {
            return done(AdminReply.error(
                    428,
                    "version_required",
                    "Name the config version this change was made on:"
                            + " If-Match: \"v<version>\" or \"version\" in the body (GET /api/config returns it)."));
        }
        try {
            ConfigStore.Outcome outcome = store.edit(expected, body.get("changes"));
            LOG.info("admin: configuration changed from the admin page (version {})", outcome.version());
            return done(new AdminReply(200, outcomeJson(outcome), Map.of("etag", etag(outcome.version()))));
        } catch (ConfigStore.Conflict e) {
            return done(new AdminReply(
                    409,
                    AdminHttp.errorJson(409, e.code(), e.getMessage(), null, Map.of("version", store.version())),
                    Map.of()));
        } catch (ConfigEdits.BadEdit e) {
            return done(AdminReply.error(400, "invalid_change", e.getMessage()));
        } catch (ConfigException e) {
            return done(new AdminReply(
                    422,
                    AdminHttp.errorJson(
                            422,
                            "invalid_config",
                            "The change was rejected: the configuration would not be valid. Nothing was changed.",
                            e.problems(),
                            Map.of("version", store.version())),
                    Map.of()));
        } catch (IOException e) {
            LOG.error("admin: cannot write {}: {}", store.fileName(), e.toString());
            return done(AdminReply.error(
                    500,
                    "write_failed",
                    "Cannot write " + store.fileName() + " (" + e.getClass().getSimpleName()
                            + "). Nothing was changed."));
        }
    }

    CompletionStage<AdminReply> reload(AdminCall call) {
        try {
            ConfigStore.Outcome outcome = store.reload();
            LOG.info("admin: configuration reloaded from {} (version {})", store.fileName(), outcome.version());
            return done(new AdminReply(200, outcomeJson(outcome), Map.of("etag", etag(outcome.version()))));
        } catch (IllegalStateException e) {
            return done(AdminReply.error(409, "not_persisted", e.getMessage()));
        } catch (ConfigException e) {
            errors.add(new AdminError(
                    clock.getAsLong(),
                    "config",
                    null,
                    null,
                    0,
                    "invalid_config",
                    "reload of " + store.fileName() + " rejected: "
                            + e.problems().get(0)
                            + (e.problems().size() > 1
                                    ? " (and " + (e.problems().size() - 1) + " more)"
                                    : ""),
                    null));
            return done(new AdminReply(
                    422,
                    AdminHttp.errorJson(
                            422,
                            "invalid_config",
                            store.fileName() + " is not valid; the running configuration is unchanged.",
                            e.problems(),
                            Map.of("version", store.version())),
                    Map.of()));
        } catch (IOException e) {
            return done(AdminReply.error(
                    500,
                    "read_failed",
                    "Cannot read " + store.fileName() + " (" + e.getClass().getSimpleName() + ")."));
        }
    }

    static String etag(long version) {
        return "\"v" + version + '"';
    }

    /** From If-Match ({@code "v12"}, {@code v12}, {@code 12}) or the body's {@code version}; null when neither. */
    static Long expectedVersion(String ifMatch, Object bodyVersion) {
        if (ifMatch != null) {
            String v = ifMatch.trim();
            if (v.startsWith("W/")) {
                v = v.substring(2);
            }
            v = v.replace("\"", "");
            if (v.startsWith("v")) {
                v = v.substring(1);
            }
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                return -1L; // a version that never matches: 409
            }
        }
        return bodyVersion instanceof Long n ? n : null;
    }

    private String outcomeJson(ConfigStore.Outcome outcome) {
        return JsonValues.write(g -> {
            g.writeStartObject();
            g.writeNumberField("version", outcome.version());
            g.writeBooleanField("persisted", store.persisted());
            g.writeArrayFieldStart("warnings");
            for (String w : outcome.warnings()) {
                g.writeString(w);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }
}
