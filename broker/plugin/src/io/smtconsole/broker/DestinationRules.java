package io.smtconsole.broker;

import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQTempDestination;

/**
 * The per-identity narrowing of the generic authorization map. Pure: each method returns null when the
 * client may go ahead, or the refusal message the client will see in its STOMP ERROR frame.
 */
final class DestinationRules {
    private static final String REMOTE_QUEUES = "smt.remote.";
    private static final String CONSOLE_QUEUES = "smt.console.";
    private static final String CONSUMER_QUEUES = "Consumer.";
    private static final String[] OWN_TOPIC_KINDS = {"stats", "presence", "usage", "log"};

    private DestinationRules() {}

    /**
     * A remote consumes only its own queues, smt.remote.<name>.*: not another remote's, not advisories,
     * not temporary destinations, not a console's virtual-topic copies (Consumer.*), and never through a
     * wildcard, a composite destination or a browser, which could reach other remotes' queues past a
     * name check.
     */
    static String refuseConsume(String user, ActiveMQDestination dest, boolean browser) {
        String what = dest == null ? "(no destination)" : dest.getQualifiedName();
        if (dest == null) {
            return user + " is not allowed to consume " + what;
        }
        if (browser) {
            return user + " is not allowed to browse " + what;
        }
        if (dest.isComposite() || dest.isPattern()) {
            return user + " is not allowed to consume wildcard or composite destination " + what;
        }
        if (dest.isQueue() && !dest.isTemporary() && dest.getPhysicalName().startsWith(REMOTE_QUEUES + user + ".")) {
            return null;
        }
        return user + " is not allowed to consume " + what;
    }

    /**
     * A console consumes its own queues only: smt.console.<name>.* (results, its sessions' replies),
     * Consumer.<name>.* (its copies of the fleet's virtual topics) and temporary destinations of its own
     * connection. A remote's queue (smt.remote.*) only with a browser (the age of the oldest message) or
     * a selector (withdrawing one waiting config): a plain consumer would take the remote's messages.
     * Never a wildcard or composite queue, which could reach another console's queues past a name check.
     * Topics stay open (it subscribes to smt.stats.> and the like): the authorization map says which.
     * `connectionId` is the consumer's own connection's id.
     */
    static String refuseConsoleConsume(String user, String connectionId, ActiveMQDestination dest, boolean browser,
            boolean selector) {
        if (dest == null) {
            return user + " is not allowed to consume (no destination)";
        }
        String what = dest.getQualifiedName();
        if (dest.isComposite()) {
            return user + " is not allowed to consume composite destination " + what;
        }
        if (dest.isTemporary()) {
            String owner = dest instanceof ActiveMQTempDestination
                    ? ((ActiveMQTempDestination) dest).getConnectionId() : null;
            if (owner != null && owner.equals(connectionId)) {
                return null;
            }
            return user + " is not allowed to consume " + what + ": a temporary destination of another connection";
        }
        if (dest.isTopic()) {
            return null;
        }
        if (dest.isPattern()) {
            return user + " is not allowed to consume wildcard queue " + what;
        }
        String name = dest.getPhysicalName();
        if (name.startsWith(CONSOLE_QUEUES + user + ".") || name.startsWith(CONSUMER_QUEUES + user + ".")) {
            return null;
        }
        if (name.startsWith(REMOTE_QUEUES)) {
            return browser || selector ? null
                    : user + " is not allowed to consume " + what + " but with a browser or a selector";
        }
        return user + " is not allowed to consume " + what;
    }

    /** What a console's SEND to a remote queue does there: read (query) or change (the rest). */
    private static final String[] CHANGING_QUEUE_KINDS = {"config", "command", "broadcast"};

    /**
     * A console sends by its role (docs/roles.md): a viewer, or a console in no role group, sends no config,
     * command or broadcast to any remote (it may still query). A composite destination is judged by each of
     * its parts, so a query cannot carry a config past the check.
     */
    static String refuseConsoleSend(String user, ConsoleRoles.Role role, ActiveMQDestination dest) {
        if (dest == null) {
            return null;
        }
        if (dest.isComposite()) {
            for (ActiveMQDestination part : dest.getCompositeDestinations()) {
                String refusal = refuseConsoleSend(user, role, part);
                if (refusal != null) {
                    return refusal;
                }
            }
            return null;
        }
        if (!dest.isQueue() || (role != null && role.changesRemotes())) {
            return null;
        }
        String name = dest.getPhysicalName();
        boolean changing = dest.isPattern() && name.startsWith(REMOTE_QUEUES);
        for (String kind : CHANGING_QUEUE_KINDS) {
            changing |= name.startsWith(REMOTE_QUEUES) && name.endsWith("." + kind);
        }
        if (!changing) {
            return null;
        }
        return user + " (" + (role == null ? "no role" : "role " + role.label()) + ") is not allowed to send to "
                + dest.getQualifiedName() + ": only an operator, approver or admin changes remotes";
    }

    /** A remote publishes stats, presence, usage and log only under its own name: it cannot speak for another. */
    static String refuseSend(String user, ActiveMQDestination dest) {
        if (dest == null) {
            return null;
        }
        if (dest.isComposite() || dest.isPattern()) {
            return user + " is not allowed to publish to wildcard or composite destination " + dest.getQualifiedName();
        }
        if (!dest.isTopic()) {
            return null;
        }
        String name = dest.getPhysicalName();
        for (String kind : OWN_TOPIC_KINDS) {
            String prefix = "smt." + kind + ".";
            if (name.startsWith(prefix) && !name.equals(prefix + user)) {
                return user + " is not allowed to publish to " + dest.getQualifiedName();
            }
        }
        return null;
    }
}
