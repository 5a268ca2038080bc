package io.smtconsole.broker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ActiveMQTempQueue;
import org.apache.activemq.command.ActiveMQTempTopic;
import org.apache.activemq.command.ActiveMQTopic;
import org.apache.activemq.command.ConnectionId;

/**
 * DestinationRules and ConsoleQueues, pure: each case names what a console (or a remote) asks for and
 * whether it must be let through. Prints one line per failed case and a summary; exits 1 on any failure.
 */
public final class DestinationRulesCheck {
    private static final String A = "console-a";
    private static final String OWN_CONNECTION = "ID:host-40000-1700000000000-3:7";
    private static final String OTHER_CONNECTION = "ID:host-40000-1700000000000-3:8";
    private static final List<String> failures = new ArrayList<>();
    private static int cases;

    private static void console(boolean allowed, ActiveMQDestination dest, boolean browser, boolean selector) {
        String refusal = DestinationRules.refuseConsoleConsume(A, OWN_CONNECTION, dest, browser, selector);
        expect(allowed, refusal, "console " + A + " consuming " + (dest == null ? "null" : dest.getQualifiedName())
                + (browser ? " (browser)" : "") + (selector ? " (selector)" : ""));
    }

    private static void console(boolean allowed, ActiveMQDestination dest) {
        console(allowed, dest, false, false);
    }

    private static void send(boolean allowed, ConsoleRoles.Role role, ActiveMQDestination dest) {
        expect(allowed, DestinationRules.refuseConsoleSend(A, role, dest),
                "console " + A + " (" + role + ") sending to " + dest.getQualifiedName());
    }

    private static void remote(boolean allowed, ActiveMQDestination dest) {
        expect(allowed, DestinationRules.refuseConsume("r-0001", dest, false),
                "remote r-0001 consuming " + dest.getQualifiedName());
    }

    private static void expect(boolean allowed, String refusal, String what) {
        cases++;
        if (allowed != (refusal == null)) {
            failures.add(what + ": expected " + (allowed ? "allowed" : "refused") + ", got "
                    + (refusal == null ? "allowed" : "refused (" + refusal + ")"));
        }
    }

    private static void same(Object expected, Object actual, String what) {
        cases++;
        if (!Objects.equals(expected, actual)) {
            failures.add(what + ": expected " + expected + ", got " + actual);
        }
    }

    private static ActiveMQQueue q(String name) {
        return new ActiveMQQueue(name);
    }

    public static void main(String[] args) {
        // Its own queues: results, a session's replies and statistics replies, its virtual-topic copies.
        console(true, q("smt.console.console-a.result"));
        console(true, q("smt.console.console-a.reply.abcdef123456"));
        console(true, q("smt.console.console-a.stats.abcdef123456"));
        console(true, q("Consumer.console-a.VirtualTopic.smt.inventory"));
        console(true, q("Consumer.console-a.VirtualTopic.smt.events"));
        console(true, q("smt.console.console-a.result"), true, false);
        // Another console's, including one whose name starts with its own.
        console(false, q("smt.console.console-b.result"));
        console(false, q("smt.console.console-b.reply.abcdef123456"));
        console(false, q("smt.console.console-b.reply.abcdef123456"), true, false);
        console(false, q("smt.console.console-b.reply.abcdef123456"), false, true);
        console(false, q("smt.console.console-ab.result"));
        console(false, q("smt.console.console-a"));
        console(false, q("Consumer.console-b.VirtualTopic.smt.inventory"));
        console(false, q("Consumer.console-ab.VirtualTopic.smt.events"));
        console(false, q("Consumer.*.VirtualTopic.smt.inventory"));
        // Wildcard or composite queues, even over its own.
        console(false, q("smt.console.>"));
        console(false, q("smt.console.console-a.>"));
        console(false, q("smt.console.*.result"));
        console(false, q("Consumer.console-a.>"));
        console(false, q("smt.console.console-a.result,smt.console.console-b.result"));
        console(false, new ActiveMQTopic("smt.stats.r-0001,queue://smt.console.console-b.result"));
        // Remotes' queues: browsing and a selector (withdrawing a config), not taking its messages.
        console(true, q("smt.remote.r-0001.config"), true, false);
        console(true, q("smt.remote.r-0001.config"), false, true);
        console(false, q("smt.remote.r-0001.config"));
        console(false, q("smt.remote.>"), true, false);
        // Anything else.
        console(false, q("smt.inventory"));
        console(false, q("VirtualTopic.smt.inventory"));
        console(false, q("ActiveMQ.DLQ"));
        console(false, null);
        // Topics: the live samples by wildcard, advisories; the authorization map decides which.
        console(true, new ActiveMQTopic("smt.stats.>"));
        console(true, new ActiveMQTopic("smt.log.r-0001"));
        console(true, new ActiveMQTopic("ActiveMQ.Advisory.Consumer.Queue.smt.remote.r-0001.config"));
        // Temporary destinations: its own connection's only.
        console(true, new ActiveMQTempQueue(new ConnectionId(OWN_CONNECTION), 1));
        console(true, new ActiveMQTempTopic(new ConnectionId(OWN_CONNECTION), 2));
        console(false, new ActiveMQTempQueue(new ConnectionId(OTHER_CONNECTION), 1));
        console(false, new ActiveMQTempTopic(new ConnectionId(OTHER_CONNECTION), 1));
        console(false, new ActiveMQTempQueue("no-connection-id"));

        // Remotes keep their rules: their own queues only, never a console's copy of a virtual topic.
        remote(true, q("smt.remote.r-0001.config"));
        remote(false, q("smt.remote.r-0002.config"));
        remote(false, q("Consumer.r-0001.VirtualTopic.smt.inventory"));
        remote(false, q("Consumer.console-a.VirtualTopic.smt.events"));
        remote(false, q("smt.console.console-a.reply.abcdef123456"));
        remote(false, new ActiveMQTopic("VirtualTopic.smt.inventory"));
        remote(false, new ActiveMQTempQueue(new ConnectionId(OWN_CONNECTION), 1));

        // What a console may send, by its role: a viewer (or no role) reads, the others change remotes.
        for (String kind : new String[] {"config", "command", "broadcast"}) {
            send(false, ConsoleRoles.Role.VIEWER, q("smt.remote.r-0001." + kind));
            send(false, null, q("smt.remote.r-0001." + kind));
            send(true, ConsoleRoles.Role.OPERATOR, q("smt.remote.r-0001." + kind));
            send(true, ConsoleRoles.Role.APPROVER, q("smt.remote.r-0001." + kind));
            send(true, ConsoleRoles.Role.ADMIN, q("smt.remote.r-0001." + kind));
        }
        send(true, ConsoleRoles.Role.VIEWER, q("smt.remote.r-0001.query"));
        send(true, null, q("smt.remote.r-0001.query"));
        send(false, ConsoleRoles.Role.VIEWER, q("smt.remote.>"));
        send(false, ConsoleRoles.Role.VIEWER, q("smt.remote.*.config"));
        send(false, ConsoleRoles.Role.VIEWER, q("smt.remote.r-0001.query,smt.remote.r-0001.config"));
        send(false, ConsoleRoles.Role.VIEWER, new ActiveMQTopic("smt.stats.r-0001,queue://smt.remote.r-0001.command"));
        send(true, ConsoleRoles.Role.VIEWER, q("smt.remote.r-0001.query,smt.remote.r-0002.query"));
        send(true, ConsoleRoles.Role.VIEWER, new ActiveMQTopic("smt.stats.r-0001"));

        // Roles from groups.properties: the lesser of two, nobody's from an unreadable file.
        java.util.Map<String, String> groupLines = new java.util.HashMap<>();
        groupLines.put("consoles", "lab-console,console-a,console-b,console-c");
        groupLines.put("admins", "lab-console, console-c");
        groupLines.put("operators", "console-a");
        groupLines.put("viewers", "console-c");
        java.util.Map<String, ConsoleRoles.Role> roles = ConsoleRoles.of(groupLines);
        same(ConsoleRoles.Role.ADMIN, roles.get("lab-console"), "lab-console's role");
        same(ConsoleRoles.Role.OPERATOR, roles.get("console-a"), "console-a's role");
        same(null, roles.get("console-b"), "console-b in no role group");
        same(ConsoleRoles.Role.VIEWER, roles.get("console-c"), "console-c in admins and viewers");
        same(null, ConsoleRoles.of(null), "roles of an unreadable file");

        // Which consumer queues the consoles group needs.
        same(Arrays.asList("lab-console", "console-b"), ConsoleQueues.members(" lab-console, ,console-b,"),
                "members of a groups line");
        same(Arrays.asList(), ConsoleQueues.members(null), "members of a missing group");
        same(true, ConsoleQueues.isConsoleName("console-b"), "console-b is a console name");
        for (String bad : new String[] {"a.b", "a*", "a>", "-a", "A", "", "a,b"}) {
            same(false, ConsoleQueues.isConsoleName(bad), "\"" + bad + "\" is a console name");
        }
        same("Consumer.console-b.VirtualTopic.smt.events",
                ConsoleQueues.consumerQueue("console-b", "VirtualTopic.smt.events"), "consumer queue name");
        same(Arrays.asList("VirtualTopic.smt.inventory", "VirtualTopic.smt.events"),
                ConsoleQueues.virtualTopics("VirtualTopic.smt.inventory, VirtualTopic.smt.events"),
                "virtual topics property");
        for (String bad : new String[] {"smt.inventory", "VirtualTopic.smt.>", "VirtualTopic.*"}) {
            cases++;
            try {
                ConsoleQueues.virtualTopics(bad);
                failures.add("virtual topics property \"" + bad + "\": expected refused, got accepted");
            } catch (IllegalArgumentException expected) {
                // refused, as it must be
            }
        }

        for (String f : failures) {
            System.out.println("FAILED: " + f);
        }
        System.out.println((failures.isEmpty() ? "ok: " : "FAILED: ") + (cases - failures.size()) + " of " + cases
                + " destination rule cases hold");
        System.exit(failures.isEmpty() ? 0 : 1);
    }
}
