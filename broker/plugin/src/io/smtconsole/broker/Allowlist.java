package io.smtconsole.broker;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The JAAS users.properties (name=certificate DN), or groups.properties (group=names), read the way
 * TextFileCertificateLoginModule reads them.
 */
final class Allowlist {
    private final Path file;

    Allowlist(String file) {
        this.file = Paths.get(file);
    }

    Path file() {
        return file;
    }

    /**
     * Name to DN, or null when the file cannot be read or lists nobody: a missing or half-written file
     * must not be mistaken for "everyone was revoked".
     */
    Map<String, String> read() {
        Properties props = new Properties();
        try {
            props.load(new StringReader(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        if (props.isEmpty()) {
            return null;
        }
        Map<String, String> users = new HashMap<>();
        for (String name : props.stringPropertyNames()) {
            users.put(name, props.getProperty(name));
        }
        return users;
    }
}
