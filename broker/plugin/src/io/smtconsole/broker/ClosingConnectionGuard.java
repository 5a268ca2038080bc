package io.smtconsole.broker;

import org.apache.activemq.broker.Broker;
import org.apache.activemq.broker.BrokerFilter;
import org.apache.activemq.broker.Connection;
import org.apache.activemq.broker.ConnectionContext;
import org.apache.activemq.broker.TransportConnection;
import org.apache.activemq.command.ConnectionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses to register a connection whose socket is already closing.
 *
 * ActiveMQ 5.17 services a command it read before a socket closed even when the connection's stop has
 * run already: a late CONNECT is then registered after the stop removed everything, and nothing ever
 * removes it, nor the consumers its SUBSCRIBEs add. A remote that gave up on a slow session (a loaded
 * broker after a failover) was left with a consumer without a socket that held its share of the config
 * queue for good (docs/reliability.md, "a consumer kept for a session the remote gave up on"). A command
 * is serviced under the connection's read lock and the stop runs under its write lock, so a connection
 * not closing at this check is removed by its stop later, and one that is closing is refused here; the
 * SUBSCRIBEs after a refused CONNECT find no connection and are refused by ActiveMQ itself.
 */
final class ClosingConnectionGuard extends BrokerFilter {
    private static final Logger LOG = LoggerFactory.getLogger(ClosingConnectionGuard.class);

    ClosingConnectionGuard(Broker next) {
        super(next);
    }

    @Override
    public void addConnection(ConnectionContext context, ConnectionInfo info) throws Exception {
        Connection connection = context == null ? null : context.getConnection();
        if (connection instanceof TransportConnection && ((TransportConnection) connection).isStopping()) {
            String reason = "refused connection " + info.getConnectionId() + " from "
                    + connection.getRemoteAddress() + ": its socket is already closing";
            LOG.warn(reason);
            throw new IllegalStateException(reason);
        }
        super.addConnection(context, info);
    }
}
