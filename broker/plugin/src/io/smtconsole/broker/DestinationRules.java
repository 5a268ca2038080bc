package io.smtconsole.broker;

import org.apache.activemq.command.ActiveMQDestination;

/**
 * The per-remote narrowing of the generic authorization map. Pure: each method returns null when the
 * remote may go ahead, or the refusal message the client will see in its STOMP ERROR frame.
 */
final class DestinationRules {
    private static final String REMOTE_QUEUES = "smt.remote.";
    private static final String[] OWN_TOPIC_KINDS = {"stats", "presence", "usage", "log"};

    private DestinationRules() {}

    /**
     * A remote consumes only its own queues, smt.remote.<name>.*: not another remote's, not advisories,
     * not temporary destinations, and never through a wildcard, a composite destination or a browser,
     * which could reach other remotes' queues past a name check.
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
