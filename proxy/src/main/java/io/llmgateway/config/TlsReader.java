package io.llmgateway.config;

import static io.llmgateway.config.ConfigReader.OPTION;

import io.llmgateway.tls.KeyMaterial;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads {@code server.tls} and checks its files as start-up will use them, and the two ports together. */
final class TlsReader {
    private static final Map<String, String> PROTOCOLS = protocols();

    private TlsReader() {}

    /**
     * The TLS listener's settings, or null when there is none (or it is unusable: then a problem is recorded).
     *
     * @param portNode {@code server.port}, whose 0 turns the plain listener off
     */
    static TlsSettings readTls(ConfigNode section, ConfigNode portNode, int plainPort) {
        if (section.isAbsent()) {
            if (plainPort == 0) {
                portNode.problem("0 turns the plain HTTP listener off, and there is no server.tls: nothing to"
                        + " listen on (expected: a port from 1 to 65535, or a server.tls section)");
            }
            return null;
        }
        section.rejectUnknownKeys(ConfigKeys.TLS_OPTIONS, OPTION);
        if (!section.isMapping()) {
            section.expected("a mapping");
            return null;
        }
        ConfigNode tlsPortNode = section.get("port");
        int port = tlsPortNode.asInt(1, 65535, "a port number from 1 to 65535", TlsSettings.DEFAULT_PORT);
        if (port == plainPort) {
            tlsPortNode.problem(port + " is also server.port (expected: another port for the TLS listener)");
        }
        List<String> protocols = readProtocols(section.get("protocols"));
        ConfigNode certNode = section.get("cert_file");
        ConfigNode keyNode = section.get("key_file");
        String certFile = requiredPath(certNode, "a path to the PEM certificate chain");
        String keyFile = requiredPath(keyNode, "a path to the PEM private key");
        if (certFile == null || keyFile == null || protocols.isEmpty()) {
            return null;
        }
        try {
            KeyMaterial.read(certFile, shown(certNode, certFile), keyFile, shown(keyNode, keyFile));
        } catch (KeyMaterial.Problem e) {
            (e.aboutKey() ? keyNode : certNode).problem(e.getMessage());
            return null;
        }
        return new TlsSettings(port, certFile, keyFile, protocols);
    }

    private static List<String> readProtocols(ConfigNode node) {
        if (node.isAbsent()) {
            return TlsSettings.PROTOCOLS;
        }
        String expected = String.join(" or ", TlsSettings.PROTOCOLS);
        List<ConfigNode> items = node.elements();
        List<String> protocols = new ArrayList<>();
        for (ConfigNode item : items) {
            String written = item.asNonEmptyString(expected, null);
            if (written == null) {
                continue;
            }
            String protocol = PROTOCOLS.get(written.toLowerCase(Locale.ROOT));
            if (protocol == null) {
                item.problem("unknown protocol " + ConfigText.quote(written) + " (expected: " + expected + ")");
            } else if (!protocols.contains(protocol)) {
                protocols.add(protocol);
            }
        }
        if (items.isEmpty() && node.isList()) {
            node.problem("empty (expected: one or more of " + expected + ")");
        }
        return protocols;
    }

    private static String requiredPath(ConfigNode node, String what) {
        if (node.isAbsent()) {
            node.problem("missing (expected: " + what + ")");
            return null;
        }
        return node.asNonEmptyString(what, null);
    }

    /** How a message names the file: as written when it comes from the environment (never an expansion). */
    private static String shown(ConfigNode node, String file) {
        return node.fromEnvironment() ? node.written() : file;
    }

    private static Map<String, String> protocols() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String p : TlsSettings.PROTOCOLS) {
            map.put(p.toLowerCase(Locale.ROOT), p);
        }
        return map;
    }
}
