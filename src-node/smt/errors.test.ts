import { describe, expect, it } from 'vitest';
import { classifyOpenError } from './errors';

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
  ])('%s → auth %s', (e, auth) => {
    expect(classifyOpenError(e).auth).toBe(auth);
  });

  it('keeps the error code in the words shown to the operator', () => {
    expect(classifyOpenError(withCode('socket hang up', 'ECONNRESET')).error).toBe(
      'socket hang up (ECONNRESET)',
    );
  });
});
