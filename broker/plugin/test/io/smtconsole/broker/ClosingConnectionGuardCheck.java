package io.smtconsole.broker;

import java.net.URI;
import org.apache.activemq.broker.Broker;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.TransportConnection;
import org.apache.activemq.broker.TransportConnector;
import org.apache.activemq.broker.region.Destination;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.Command;
import org.apache.activemq.command.ConnectionId;
import org.apache.activemq.command.ConnectionInfo;
import org.apache.activemq.command.ConsumerId;
import org.apache.activemq.command.ConsumerInfo;
import org.apache.activemq.command.ExceptionResponse;
import org.apache.activemq.command.Response;
import org.apache.activemq.command.SessionId;
import org.apache.activemq.command.SessionInfo;
import org.apache.activemq.thread.TaskRunnerFactory;
import org.apache.activemq.transport.TransportSupport;

/**
 * Replays, in an embedded broker, what a closing socket does to ActiveMQ 5.17: the connection's stop has
 * run, then it services the CONNECT and SUBSCRIBE it read before the socket closed. `guarded` (the
 * plugin's guard installed): the CONNECT is refused and nothing is kept. `control` (no guard): the broker
 * keeps the connection and its consumer, with nothing left to remove them. Prints what it found and exits
 * 1 when that is not what the mode expects.
 */
public final class ClosingConnectionGuardCheck {
    private static final ActiveMQQueue QUEUE = new ActiveMQQueue("smt.remote.r-0001.config");

    /** A transport with no socket under it: what the broker writes back goes nowhere. */
    private static final class NoSocket extends TransportSupport {
        @Override
        public void oneway(Object command) {}

        @Override
        public String getRemoteAddress() {
            return "tcp://192.0.2.1:1";
        }

        @Override
        public int getReceiveCounter() {
            return 0;
        }

        @Override
        public org.apache.activemq.wireformat.WireFormat getWireFormat() {
            return null;
        }

        @Override
        public java.security.cert.X509Certificate[] getPeerCertificates() {
            return null;
        }

        @Override
        public void setPeerCertificates(java.security.cert.X509Certificate[] certificates) {}

        @Override
        protected void doStart() {}

        @Override
        protected void doStop(org.apache.activemq.util.ServiceStopper stopper) {}
    }

    private static final TaskRunnerFactory STOPPER = new TaskRunnerFactory("stopper");

    public static void main(String[] args) throws Exception {
        boolean guarded = args.length > 0 && args[0].equals("guarded");
        BrokerService service = new BrokerService();
        service.setBrokerName("guard-check");
        service.setPersistent(false);
        service.setUseJmx(false);
        service.setAdvisorySupport(false);
        if (guarded) {
            service.setPlugins(new BrokerPlugin[] {ClosingConnectionGuard::new});
        }
        service.start();
        try {
            Broker broker = service.getBroker();
            Destination queue = broker.addDestination(service.getAdminConnectionContext(), QUEUE, true);

            TransportConnection late = connection(broker);
            late.stop();
            Response connected = late.service(command(connectionInfo("late")));
            SessionId session = new SessionId(new ConnectionId("late"), 1);
            late.service(command(new SessionInfo(session)));
            ConsumerInfo consumer = new ConsumerInfo(new ConsumerId(session, 1));
            consumer.setDestination(QUEUE);
            late.service(command(consumer));
            check(guarded, connected, broker.getClients().length, queue.getConsumers().size());
        } finally {
            service.stop();
        }
        System.exit(holds ? 0 : 1);
    }

    private static TransportConnection connection(Broker broker) {
        TransportConnector connector = new TransportConnector();
        connector.setUri(URI.create("stomp+nio+ssl://127.0.0.1:0"));
        return new TransportConnection(connector, new NoSocket(), broker, null, STOPPER);
    }

    private static ConnectionInfo connectionInfo(String id) {
        ConnectionInfo info = new ConnectionInfo(new ConnectionId(id));
        info.setClientId(id);
        return info;
    }

    private static <T extends Command> T command(T c) {
        c.setResponseRequired(true);
        return c;
    }

    private static boolean holds;

    private static void check(boolean guarded, Response connected, int connections, int consumers) {
        boolean refused = connected instanceof ExceptionResponse;
        holds = guarded ? refused && connections == 0 && consumers == 0
                : !refused && connections == 1 && consumers == 1;
        System.out.println((holds ? "ok: " : "FAILED: ") + (guarded ? "guarded" : "control")
                + ": a CONNECT serviced after its connection stopped was " + (refused ? "refused" : "taken")
                + "; the broker keeps " + connections + " connection(s) and " + consumers
                + " consumer(s) on the queue");
    }
}
