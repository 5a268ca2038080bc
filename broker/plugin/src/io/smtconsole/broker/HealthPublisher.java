package io.smtconsole.broker;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.broker.Broker;
import org.apache.activemq.broker.BrokerFilter;
import org.apache.activemq.broker.ConnectionContext;
import org.apache.activemq.broker.ProducerBrokerExchange;
import org.apache.activemq.state.ProducerState;
import org.apache.activemq.command.ActiveMQTextMessage;
import org.apache.activemq.command.ActiveMQTopic;
import org.apache.activemq.command.MessageId;
import org.apache.activemq.command.ProducerId;
import org.apache.activemq.command.ProducerInfo;
import org.apache.activemq.security.SecurityContext;
import org.apache.activemq.util.IdGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the broker's own health (heap, garbage collection, file descriptors, connections) every few
 * seconds to the topic smt.broker.health, for the consoles' broker path screen.
 *
 * Why: a lab broker at -Xmx256m with 1,000 remotes had its old generation 100 % full and spent 68 s of its
 * 168 s of life in full collections before its clients timed out (docs/broker.md, "Sizing"); nothing a
 * client can ask ActiveMQ (the statistics plugin counts messages, not the JVM) showed it coming. The live
 * heap after the last old-generation collection is what predicts that, and it is what this sends. JMX stays
 * off: the platform MXBeans are read in-process.
 *
 * The message is non-persistent with a short expiry, sent under the broker's own security context, so it
 * carries no JMSXUserID: a console trusts only a health message without one (a client's would have its user).
 */
final class HealthPublisher extends BrokerFilter {
    static final String TOPIC = "smt.broker.health";
    private static final Logger LOG = LoggerFactory.getLogger(HealthPublisher.class);
    private static final long MB = 1024L * 1024L;

    private final long intervalMs;
    private final ProducerId producerId = new ProducerId(new IdGenerator("smt-health").generateId() + ":1:1");
    private long sequence;
    private long lastGcMs = -1;
    private long lastAtNanos;
    private ScheduledExecutorService timer;

    HealthPublisher(Broker next, long intervalMs) {
        super(next);
        this.intervalMs = intervalMs;
    }

    @Override
    public void start() throws Exception {
        super.start();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "smt-health-publisher");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::publishSafely, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        LOG.info("SMT health publisher active: topic {} every {} ms", TOPIC, intervalMs);
    }

    @Override
    public void stop() throws Exception {
        if (timer != null) {
            timer.shutdownNow();
        }
        super.stop();
    }

    private void publishSafely() {
        try {
            publish();
        } catch (Exception e) {
            // An exception would cancel the scheduled task and end the reports for good.
            LOG.warn("Health report not sent", e);
        }
    }

    private void publish() throws Exception {
        ActiveMQTextMessage message = new ActiveMQTextMessage();
        message.setText(report());
        message.setDestination(new ActiveMQTopic(TOPIC));
        message.setPersistent(false);
        long now = System.currentTimeMillis();
        message.setTimestamp(now);
        message.setExpiration(now + 3 * intervalMs);
        message.setProducerId(producerId);
        message.setMessageId(new MessageId(producerId, ++sequence));
        message.setResponseRequired(false);

        // As ActiveMQ's own advisories are sent: a context with the broker's security context, no connection.
        ConnectionContext context = new ConnectionContext();
        context.setSecurityContext(SecurityContext.BROKER_SECURITY_CONTEXT);
        context.setBroker(getBrokerService().getBroker());
        context.setProducerFlowControl(false);
        ProducerBrokerExchange exchange = new ProducerBrokerExchange();
        exchange.setConnectionContext(context);
        exchange.setMutable(true);
        exchange.setProducerState(new ProducerState(new ProducerInfo(producerId)));
        next.send(exchange, message);
    }

    /** One JSON object; the console validates it (src-shared/ipc/broker-views.ts, BrokerHealthReport). */
    private String report() throws Exception {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryPoolMXBean old = null;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && isOldGeneration(pool.getName())) {
                old = pool;
            }
        }
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        // The old generation's size after its last collection is the live set; before its first
        // collection there is none to report (what it holds now includes garbage), so it is null.
        long oldCollections = 0;
        for (GarbageCollectorMXBean gc : collectors) {
            if (old != null && !isYoungCollector(gc.getName())
                    && java.util.Arrays.asList(gc.getMemoryPoolNames()).contains(old.getName())) {
                oldCollections += Math.max(0, gc.getCollectionCount());
            }
        }
        String oldLive = "null";
        String oldUsed = "null";
        String oldMax = "null";
        if (old != null) {
            MemoryUsage now = old.getUsage();
            MemoryUsage afterGc = old.getCollectionUsage();
            if (afterGc != null && oldCollections > 0) {
                oldLive = String.valueOf(afterGc.getUsed() / MB);
            }
            oldUsed = String.valueOf(now.getUsed() / MB);
            oldMax = String.valueOf((now.getMax() >= 0 ? now.getMax() : now.getCommitted()) / MB);
        }
        long gcMs = 0;
        for (GarbageCollectorMXBean gc : collectors) {
            gcMs += Math.max(0, gc.getCollectionTime());
        }
        long nowNanos = System.nanoTime();
        double gcShare = 0;
        if (lastGcMs >= 0) {
            double wallMs = (nowNanos - lastAtNanos) / 1e6;
            gcShare = wallMs > 0 ? Math.min(1, (gcMs - lastGcMs) / wallMs) : 0;
        }
        lastGcMs = gcMs;
        lastAtNanos = nowNanos;

        long fds = -1;
        long maxFds = -1;
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
            com.sun.management.UnixOperatingSystemMXBean unix = (com.sun.management.UnixOperatingSystemMXBean) os;
            fds = unix.getOpenFileDescriptorCount();
            maxFds = unix.getMaxFileDescriptorCount();
        }
        int connections = getClients().length;
        return "{\"broker\":\"" + jsonEscape(getBrokerName()) + "\""
                + ",\"at\":" + System.currentTimeMillis()
                + ",\"heapUsedMb\":" + heap.getUsed() / MB
                + ",\"heapMaxMb\":" + (heap.getMax() >= 0 ? heap.getMax() : heap.getCommitted()) / MB
                + ",\"oldLiveMb\":" + oldLive
                + ",\"oldUsedMb\":" + oldUsed
                + ",\"oldMaxMb\":" + oldMax
                + ",\"gcShare\":" + String.format(java.util.Locale.ROOT, "%.4f", gcShare)
                + ",\"openFds\":" + (fds >= 0 ? String.valueOf(fds) : "null")
                + ",\"maxFds\":" + (maxFds >= 0 ? String.valueOf(maxFds) : "null")
                + ",\"connections\":" + connections
                + "}";
    }

    /** Serial: "Tenured Gen"; G1: "G1 Old Gen"; Parallel: "PS Old Gen"; CMS: "CMS Old Gen". */
    private static boolean isOldGeneration(String poolName) {
        return poolName.contains("Tenured") || poolName.contains("Old Gen");
    }

    /** Serial: "Copy"; Parallel: "PS Scavenge"; CMS: "ParNew"; G1: "G1 Young Generation". */
    private static boolean isYoungCollector(String collectorName) {
        return collectorName.contains("Young") || collectorName.equals("Copy")
                || collectorName.contains("Scavenge") || collectorName.contains("ParNew");
    }

    private static String jsonEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
