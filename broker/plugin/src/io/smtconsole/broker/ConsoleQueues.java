package io.smtconsole.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Pure: which virtual-topic consumer queues the consoles of groups.properties need (IdentityBroker). */
final class ConsoleQueues {
    /** A console id: also a certificate CN, a JAAS name and one segment of a destination name. */
    private static final Pattern CONSOLE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private ConsoleQueues() {}

    /** The names of a groups.properties line's value ("a,b, c"), empty entries dropped. */
    static List<String> members(String line) {
        List<String> names = new ArrayList<>();
        if (line == null) {
            return names;
        }
        for (String name : line.split(",")) {
            String trimmed = name.trim();
            if (!trimmed.isEmpty()) {
                names.add(trimmed);
            }
        }
        return names;
    }

    static boolean isConsoleName(String name) {
        return CONSOLE_NAME.matcher(name).matches();
    }

    /** ActiveMQ's default virtual topic naming: Consumer.<group>.<topic>; the group is the console id. */
    static String consumerQueue(String console, String virtualTopic) {
        return "Consumer." + console + "." + virtualTopic;
    }

    /** The bean property's comma-separated topic names; each must be VirtualTopic.<something>, no wildcard. */
    static List<String> virtualTopics(String list) {
        List<String> topics = members(list);
        for (String topic : topics) {
            if (!topic.startsWith("VirtualTopic.") || topic.contains("*") || topic.contains(">")
                    || topic.contains(",")) {
                throw new IllegalArgumentException("IdentityPlugin: virtual topic \"" + topic
                        + "\" is not VirtualTopic.<name> without wildcards");
            }
        }
        return topics;
    }
}
