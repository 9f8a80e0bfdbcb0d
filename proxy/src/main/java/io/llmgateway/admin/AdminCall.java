package io.llmgateway.admin;

import java.util.Map;

/** What an admin API handler needs, copied from the request on its event loop. */
record AdminCall(String body, Map<String, String> query, String ifMatch) {
    long queryLong(String name, long defaultValue) {
        String v = query.get(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }
}
