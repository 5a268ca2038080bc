package io.smtconsole.broker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.broker.Broker;
import org.apache.activemq.broker.BrokerFilter;
import org.apache.activemq.broker.Connection;
import org.apache.activemq.broker.ConnectionContext;
import org.apache.activemq.broker.ProducerBrokerExchange;
import org.apache.activemq.broker.region.Subscription;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ConnectionId;
import org.apache.activemq.command.ConnectionInfo;
import org.apache.activemq.command.ConsumerInfo;
import org.apache.activemq.command.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Narrows authorization per authenticated remote and console, enforces revocation on live connections,
 * and creates every console's copies of the fleet's virtual topics (Consumer.<console>.<topic>) before a
 * remote can send to them: a message sent before a console's copy exists is lost for that console. The
 * broker's own context and network connectors pass untouched.
 */
final class IdentityBroker extends BrokerFilter {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityBroker.class);
    /** Time for the ERROR frame to reach the client before the socket is closed under it. */
    private static final long CLOSE_AFTER_ERROR_MS = 200;

    private final Allowlist allowlist;
    private final Allowlist groups;
    private final String consolesGroup;
    private final List<String> virtualTopics;
    private final long sweepIntervalMs;
    private final Map<ConnectionId, ConnectionContext> connections = new ConcurrentHashMap<>();
    /** Consumer queues this broker created or found (addDestination returns an existing one). */
    private final Set<String> consumerQueues = ConcurrentHashMap.newKeySet();
    /** Names in the consoles group that are no console id, warned about once each. */
    private final Set<String> badNames = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService timer;
    private boolean warnedUnreadable;
    /** Each console's role as groups.properties said at the last sweep; empty (all refused) until read. */
    private volatile Map<String, ConsoleRoles.Role> roles = Map.of();

    IdentityBroker(Broker next, Allowlist allowlist, Allowlist groups, String consolesGroup,
            List<String> virtualTopics, long sweepIntervalMs) {
        super(next);
        this.allowlist = allowlist;
        this.groups = groups;
        this.consolesGroup = consolesGroup;
        this.virtualTopics = virtualTopics;
        this.sweepIntervalMs = sweepIntervalMs;
    }

    @Override
    public void start() throws Exception {
        super.start();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "smt-identity-sweeper");
            t.setDaemon(true);
            return t;
        });
        // Before the transport connectors open (BrokerService starts them after the broker): no remote can
        // send a hello before every console's copy of it exists. A failure is retried at every sweep.
        readRoles();
        createConsumerQueuesSafely(allowlist.read());
        timer.scheduleWithFixedDelay(this::sweepSafely, sweepIntervalMs, sweepIntervalMs, TimeUnit.MILLISECONDS);
        LOG.info("SMT identity plugin active: allowlist {}, groups {}, consoles group {}, virtual topics {},"
                + " sweep every {} ms", allowlist.file(), groups.file(), consolesGroup, virtualTopics,
                sweepIntervalMs);
    }

    @Override
    public void stop() throws Exception {
        if (timer != null) {
            timer.shutdownNow();
        }
        super.stop();
    }

    @Override
    public void addConnection(ConnectionContext context, ConnectionInfo info) throws Exception {
        super.addConnection(context, info);
        // Only after authentication succeeded: a refused certificate never becomes a tracked connection.
        connections.put(info.getConnectionId(), context);
        // A console's first frames are judged by the role it logged in with, not the last sweep's: one just
        // provisioned would otherwise have no role for up to a sweep. Consoles are few; the file is small.
        Identity who = Identity.of(context.getSecurityContext(), consolesGroup);
        if (who != null && who.console) {
            readRoles();
        }
    }

    @Override
    public void removeConnection(ConnectionContext context, ConnectionInfo info, Throwable error) throws Exception {
        connections.remove(info.getConnectionId());
        super.removeConnection(context, info, error);
    }

    @Override
    public Subscription addConsumer(ConnectionContext context, ConsumerInfo info) throws Exception {
        Identity who = restricted(context);
        if (who != null) {
            String refusal = who.console
                    ? DestinationRules.refuseConsoleConsume(who.user, context.getConnectionId().getValue(),
                            info.getDestination(), info.isBrowser(), info.getSelector() != null)
                    : DestinationRules.refuseConsume(who.user, info.getDestination(), info.isBrowser());
            if (refusal != null) {
                LOG.warn("Refused consumer: {}", refusal);
                throw new SecurityException(refusal);
            }
        }
        return super.addConsumer(context, info);
    }

    @Override
    public void send(ProducerBrokerExchange exchange, Message message) throws Exception {
        Identity who = restricted(exchange.getConnectionContext());
        if (who != null) {
            String refusal = who.console
                    ? DestinationRules.refuseConsoleSend(who.user, roles.get(who.user), message.getDestination())
                    : DestinationRules.refuseSend(who.user, message.getDestination());
            if (refusal != null) {
                LOG.warn("Refused message: {}", refusal);
                throw new SecurityException(refusal);
            }
        }
        super.send(exchange, message);
    }

    /** The identity to narrow, or null for connections this plugin leaves to the authorization map. */
    private Identity restricted(ConnectionContext context) {
        if (context == null || context.isNetworkConnection()) {
            return null;
        }
        if (context.getSecurityContext() != null && context.getSecurityContext().isBrokerContext()) {
            return null;
        }
        Identity who = Identity.of(context.getSecurityContext(), consolesGroup);
        if (who == null) {
            throw new SecurityException("connection has no authenticated user");
        }
        return who;
    }

    private void sweepSafely() {
        try {
            Map<String, String> users = allowlist.read();
            readRoles();
            sweep(users);
            createConsumerQueuesSafely(users);
        } catch (RuntimeException e) {
            // An exception would cancel the scheduled task and silently end revocation for good.
            LOG.error("Revocation sweep failed", e);
        }
    }

    /** An unreadable groups file keeps the roles last read: a half-written file changes nobody's role. */
    private synchronized void readRoles() {
        Map<String, ConsoleRoles.Role> read = ConsoleRoles.of(groups.read());
        if (read != null && !read.equals(roles)) {
            LOG.info("Console roles from {}: {}", groups.file(), read);
            roles = read;
        }
    }

    private void createConsumerQueuesSafely(Map<String, String> users) {
        try {
            createConsumerQueues(users);
        } catch (Exception e) {
            LOG.warn("Creating the consoles' virtual topic queues failed; tried again at the next sweep", e);
        }
    }

    /**
     * Consumer.<console>.<topic> for every member of the consoles group who is in the allowlist. A name
     * that could not be a console id (a dot or wildcard would make it name other queues) is skipped.
     */
    private void createConsumerQueues(Map<String, String> users) throws Exception {
        Map<String, String> groupLines = groups.read();
        if (users == null || groupLines == null || virtualTopics.isEmpty()) {
            return;
        }
        List<String> wanted = new ArrayList<>();
        for (String member : ConsoleQueues.members(groupLines.get(consolesGroup))) {
            if (!users.containsKey(member)) {
                continue;
            }
            if (!ConsoleQueues.isConsoleName(member)) {
                if (badNames.add(member)) {
                    LOG.warn("Console {} in {} is no valid console id: no virtual topic queues for it", member,
                            groups.file());
                }
                continue;
            }
            for (String topic : virtualTopics) {
                wanted.add(ConsoleQueues.consumerQueue(member, topic));
            }
        }
        for (String name : wanted) {
            if (consumerQueues.contains(name)) {
                continue;
            }
            next.addDestination(getAdminConnectionContext(), new ActiveMQQueue(name), true);
            consumerQueues.add(name);
            LOG.info("Virtual topic queue {} is ready", name);
        }
    }

    private void sweep(Map<String, String> users) {
        if (users == null) {
            if (!warnedUnreadable) {
                LOG.warn("Allowlist {} is unreadable or empty: revocation sweeps skipped until it is readable", allowlist.file());
                warnedUnreadable = true;
            }
            return;
        }
        warnedUnreadable = false;
        for (Map.Entry<ConnectionId, ConnectionContext> entry : connections.entrySet()) {
            ConnectionContext context = entry.getValue();
            if (context.isNetworkConnection() || context.getSecurityContext() == null
                    || context.getSecurityContext().isBrokerContext()) {
                continue;
            }
            Identity who = Identity.of(context.getSecurityContext(), consolesGroup);
            if (who == null) {
                continue;
            }
            String dn = users.get(who.user);
            // A changed DN means the name now belongs to another certificate: the old one is out too.
            if (dn == null || !dn.equals(who.dn)) {
                connections.remove(entry.getKey());
                revoke(context, who);
            }
        }
    }

    private void revoke(ConnectionContext context, Identity who) {
        String reason = "certificate of " + who.user + " (" + who.dn + ") was revoked";
        LOG.warn("Closing connection {} from {}: {}", context.getConnectionId(),
                context.getConnection() == null ? "?" : context.getConnection().getRemoteAddress(), reason);
        Connection connection = context.getConnection();
        if (connection == null) {
            return;
        }
        connection.serviceException(new SecurityException(reason));
        timer.schedule(() -> connection.serviceExceptionAsync(new IOException(reason)), CLOSE_AFTER_ERROR_MS,
                TimeUnit.MILLISECONDS);
    }
}
