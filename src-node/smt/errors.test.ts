import { describe, expect, it } from 'vitest';
import { CertificateRefusedError, classifyOpenError } from './errors';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('classifyOpenError', () => {
  it.each([
    [withCode('ssl alert', 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'), true],
    [withCode('ssl alert', 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'), true],
    [withCode('ssl alert', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), true],
    [new Error('No user for client certificate: CN=rogue, OU=remotes, O=SMT Lab'), true],
    [new Error('User r-0001 is not allowed to consume queue://smt.remote.r-0002.config'), true],
    [withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'), false],
    [new Error('connection ended unexpectedly'), false],
    [withCode('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), false],
    [new CertificateRefusedError({ name: 'primary', host: '127.0.0.1', port: 1 }), false],
  ])('%s → auth %s', (e, auth) => {
    expect(classifyOpenError(e).auth).toBe(auth);
  });

  it('keeps the error code in the words shown to the operator', () => {
    expect(classifyOpenError(withCode('socket hang up', 'ECONNRESET')).error).toBe(
      'socket hang up (ECONNRESET)',
    );
  });

  it('takes a silent refusal for an identity refusal only when the certificate has expired', () => {
    const refused = new CertificateRefusedError({ name: 'primary', host: '127.0.0.1', port: 61617 });
    const notAfter = new Date('2026-01-01T00:00:00Z');
    expect(classifyOpenError(refused, notAfter, notAfter.getTime() + 1)).toEqual({
      error: 'the broker refused this certificate: it expired on 2026-01-01T00:00:00.000Z; renew it',
      auth: true,
    });
    expect(classifyOpenError(refused, notAfter, notAfter.getTime() - 1)).toEqual({
      error:
        'the broker primary (127.0.0.1:61617) closed the connection at the end of the TLS handshake, before ' +
        'any STOMP frame: it did not accept this certificate (issued by another CA, expired, not yet valid, ' +
        'or not for client authentication), or it was going down',
      auth: false,
    });
  });
});
