import { createSecureContext, connect as tlsConnect, type SecureContext } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { BrokerEndpoint } from '../../src-shared/profile';
import type { TlsMaterial } from '../tls';
import { CertificateRefusedError } from './errors';

/** Opens the byte stream to one broker and calls `ready` once it can carry STOMP. */
export type Transport = (broker: BrokerEndpoint, tls: TlsMaterial, ready: () => void) => Duplex;

/**
 * One context per identity, made once: parsing the PEM key, certificate and CA into a new context took
 * 1.3 of the 3.5 ms of CPU a client's handshake cost, paid again by every remote on every reconnect of a
 * failover storm. New material (a renewed certificate) is a new object, so it gets a context of its own.
 */
const secureContexts = new WeakMap<TlsMaterial, SecureContext>();
function secureContextOf(tls: TlsMaterial): SecureContext {
  let context = secureContexts.get(tls);
  if (!context) {
    context = createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' });
    secureContexts.set(tls, context);
  }
  return context;
}

/**
 * When the certificate each broker (`host:port`) last presented expires (epoch ms): the console's alerts
 * tell of a broker certificate running out (docs/alerts.md). One entry per broker a process connected to.
 */
const peerNotAfter = new Map<string, number>();
export const brokerCertNotAfter = (broker: Pick<BrokerEndpoint, 'host' | 'port'>): number | undefined =>
  peerNotAfter.get(`${broker.host}:${broker.port}`);

/**
 * Mutual TLS. With TLS 1.3 the client finishes its handshake one flight before the broker does, and
 * ActiveMQ 5.17's stomp+nio+ssl races on a frame that arrives while it completes the handshake: it
 * processed CONNECT twice ("Already connected."), not at all, or failed with bad_record_mac, in about 1
 * of 50 connects. The session ticket the broker sends once it has read our Finished says it is done, so
 * CONNECT waits for it (measured: 0 failures in 180 connects), or for a short fallback if none comes.
 *
 * The same ticket tells a refused certificate: stomp+nio+ssl sends no TLS alert when it refuses one
 * (another CA, expired, not yet valid, not for client auth); it reads our Finished and closes, before the
 * ticket it sends every accepted client. That close becomes a CertificateRefusedError, so the log says
 * why instead of "connection ended unexpectedly" (classifyOpenError decides how soon to retry).
 */
export const tlsTransport: Transport = (broker, tls, ready) => {
  let refusable = false;
  const socket = tlsConnect(
    { host: broker.host, port: broker.port, secureContext: secureContextOf(tls) },
    () => {
      const notAfter = Date.parse(socket.getPeerCertificate().valid_to);
      if (Number.isFinite(notAfter)) peerNotAfter.set(`${broker.host}:${broker.port}`, notAfter);
      if (socket.getProtocol() !== 'TLSv1.3') return ready();
      refusable = true;
      const go = () => {
        clearTimeout(fallback);
        socket.off('session', go);
        // Not from inside the 'session' event: a write made in OpenSSL's ticket callback was sent
        // with broken record protection (the broker saw bad_record_mac every time).
        setImmediate(ready);
      };
      const fallback = setTimeout(go, 100);
      socket.once('session', go);
      socket.once('close', () => clearTimeout(fallback));
    },
  );
  socket.once('session', () => (refusable = false));
  // Registered before stompit's listeners, so the refusal reaches the connection first; stompit then
  // ignores the plain end or reset of a client it has already destroyed. A close with our CONNECT unread
  // (sent on the fallback while a loaded broker still checks the certificate) arrives as a reset.
  const refused = () => {
    if (!refusable) return;
    refusable = false;
    socket.emit('error', new CertificateRefusedError(broker));
    socket.destroy();
  };
  socket.once('end', refused);
  socket.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'ECONNRESET') refused();
  });
  return socket;
};
