package io.smtconsole.broker;

import org.apache.activemq.broker.Broker;
import org.apache.activemq.broker.BrokerPlugin;

/**
 * Spring bean listed in activemq.xml's plugins. It narrows the generic authorization map to each remote's
 * own destinations and closes live connections whose user left the allowlist (see IdentityBroker); it
 * also refuses connections for sockets already closing (see ClosingConnectionGuard).
 */
public class IdentityPlugin implements BrokerPlugin {
    private String usersFile;
    private String consolesGroup = "consoles";
    private long sweepIntervalMs = 1000;

    @Override
    public Broker installPlugin(Broker broker) {
        if (usersFile == null || usersFile.isEmpty()) {
            throw new IllegalArgumentException("IdentityPlugin: the usersFile property is required");
        }
        if (sweepIntervalMs < 100) {
            throw new IllegalArgumentException("IdentityPlugin: sweepIntervalMs must be at least 100");
        }
        // The guard first: a connection that is closing is refused before the identity broker tracks it.
        return new ClosingConnectionGuard(
                new IdentityBroker(broker, new Allowlist(usersFile), consolesGroup, sweepIntervalMs));
    }

    public String getUsersFile() {
        return usersFile;
    }

    public void setUsersFile(String usersFile) {
        this.usersFile = usersFile;
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
}
