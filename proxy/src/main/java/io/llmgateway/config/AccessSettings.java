package io.llmgateway.config;

import java.util.List;

/**
 * The {@code gateway} section: who may use the API and how much load is accepted.
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
     */
    public record ClientKey(String name, String key) {
        @Override
        public String toString() {
            return "ClientKey[name=" + name + ", key=***]";
        }
    }
}
