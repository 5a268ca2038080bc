package io.smtconsole.broker;

import org.apache.activemq.broker.Broker;
import org.apache.activemq.broker.BrokerPlugin;

/**
 * Spring bean listed in activemq.xml's plugins. It narrows the generic authorization map to each remote's
 * and console's own destinations, closes live connections whose user left the allowlist and creates every
 * console's virtual-topic queues (see IdentityBroker); it also refuses connections for sockets already
 * closing (see ClosingConnectionGuard) and publishes the broker's heap and file-descriptor health for the
 * consoles (see HealthPublisher).
 */
public class IdentityPlugin implements BrokerPlugin {
    private String usersFile;
    private String groupsFile;
    private String consolesGroup = "consoles";
    /** Whose copies every console gets, created at start and when a console is provisioned. */
    private String consoleVirtualTopics = "VirtualTopic.smt.inventory,VirtualTopic.smt.events";
    private long sweepIntervalMs = 1000;
    private long healthIntervalMs = 5000;

    @Override
    public Broker installPlugin(Broker broker) {
        if (usersFile == null || usersFile.isEmpty()) {
            throw new IllegalArgumentException("IdentityPlugin: the usersFile property is required");
        }
        if (groupsFile == null || groupsFile.isEmpty()) {
            throw new IllegalArgumentException("IdentityPlugin: the groupsFile property is required");
        }
        if (sweepIntervalMs < 100) {
            throw new IllegalArgumentException("IdentityPlugin: sweepIntervalMs must be at least 100");
        }
        if (healthIntervalMs < 1000) {
            throw new IllegalArgumentException("IdentityPlugin: healthIntervalMs must be at least 1000");
        }
        // The guard first: a connection that is closing is refused before the identity broker tracks it.
        // The health reports go out through both, under the broker's own context, which they let pass.
        return new HealthPublisher(
                new ClosingConnectionGuard(
                        new IdentityBroker(broker, new Allowlist(usersFile), new Allowlist(groupsFile), consolesGroup,
                                ConsoleQueues.virtualTopics(consoleVirtualTopics), sweepIntervalMs)),
                healthIntervalMs);
    }

    public String getUsersFile() {
        return usersFile;
    }

    public void setUsersFile(String usersFile) {
        this.usersFile = usersFile;
    }

    public String getGroupsFile() {
        return groupsFile;
    }

    public void setGroupsFile(String groupsFile) {
        this.groupsFile = groupsFile;
    }

    public String getConsoleVirtualTopics() {
        return consoleVirtualTopics;
    }

    public void setConsoleVirtualTopics(String consoleVirtualTopics) {
        this.consoleVirtualTopics = consoleVirtualTopics;
    }

    public String getConsolesGroup() {
        return consolesGroup;
    }

    public void setConsolesGroup(String consolesGroup) {
        this.consolesGroup = consolesGroup;
    }

    public long getSweepIntervalMs() {
        return sweepIntervalMs;
    }

    public void setSweepIntervalMs(long sweepIntervalMs) {
        this.sweepIntervalMs = sweepIntervalMs;
    }

    public long getHealthIntervalMs() {
        return healthIntervalMs;
    }

    public void setHealthIntervalMs(long healthIntervalMs) {
        this.healthIntervalMs = healthIntervalMs;
    }
}
