package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The {@code gateway} section: who may use the API.
 *
 * @param apiKeys client keys; empty means the API is open to anyone who can reach it
 */
public record AccessSettings(List<ClientKey> apiKeys) {
    public static final AccessSettings DEFAULT = new AccessSettings(List.of());

    public AccessSettings {
        apiKeys = List.copyOf(apiKeys);
    }

    /**
     * One client key.
     *
     * @param name shown in logs and metrics instead of the key
     * @param key the secret the client sends as {@code Authorization: Bearer}
     * @param rpm requests per minute this key may make ({@link Limits#UNLIMITED} if not set)
     * @param tpm tokens per minute this key may use ({@link Limits#UNLIMITED} if not set)
     * @param models models this key may use; empty means all
     * @param budget this key's spending limit, or null when it has none
     * @param sharedCache {@code cache_scope: shared}: this key reads and writes the response cache's shared
     *                    entries (those of every key so marked) instead of entries of its own
     */
    public record ClientKey(
            String name, String key, long rpm, long tpm, List<String> models, Budget budget, boolean sharedCache) {
        public ClientKey {
            requireNonNull(name, "name");
            requireNonNull(key, "key");
            models = List.copyOf(models);
        }

        /** A key without a budget. */
        public ClientKey(String name, String key, long rpm, long tpm, List<String> models) {
            this(name, key, rpm, tpm, models, null, false);
        }

        /** A key whose cached answers are its own. */
        public ClientKey(String name, String key, long rpm, long tpm, List<String> models, Budget budget) {
            this(name, key, rpm, tpm, models, budget, false);
        }

        @Override
        public String toString() {
            return "ClientKey[name=" + name + ", key=***, rpm=" + rpm + ", tpm=" + tpm + ", models=" + models
                    + (budget == null ? "" : ", budget=" + budget) + (sharedCache ? ", cache_scope=shared" : "") + ']';
        }
    }
}
