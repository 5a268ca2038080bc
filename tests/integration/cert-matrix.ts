/**
 * The certificate matrix: every kind of client certificate the brokers may be shown, and what must
 * happen to it. One list drives both tests/integration/broker-security.test.ts (which runs each case
 * for a console identity and an agent identity against real brokers) and the table in
 * docs/reliability.md (which the same test checks is exactly `renderCertMatrix()`).
 */

/** What the broker answers to a fresh connection that presents the certificate. */
export type BrokerAnswer =
  /** TLS 1.2: the handshake fails; TLS 1.3: closed after our Finished, no session ticket, no byte of STOMP. */
  | 'tls-refused'
  /** The handshake succeeds; CONNECT is answered ERROR "No user for client certificate: <DN>". */
  | 'no-user'
  | 'admitted';

/** What our loader (`loadTlsMaterial`, run by the console and the agent at start) says of the files. */
export type LoaderVerdict =
  'loads' | 'expired' | 'not-yet-valid' | 'not-for-client-auth' | 'wrong-label' | 'no-certificate';

export interface CertCase {
  id:
    | 'none'
    | 'foreign-ca'
    | 'unprovisioned'
    | 'expired'
    | 'not-yet-valid'
    | 'server-auth-only'
    | 'key-agreement-only'
    | 'signer'
    | 'provisioned'
    | 'revoked-while-connected'
    | 'reprovisioned';
  /** The certificate, in the doc's words. */
  what: string;
  /** Run for a console identity (OU=consoles) and an agent identity (OU=remotes), or once for no one. */
  holders: 'both' | 'none';
  broker: BrokerAnswer;
  loader: LoaderVerdict;
}

export const certCases: readonly CertCase[] = [
  {
    id: 'none',
    what: 'no client certificate',
    holders: 'none',
    broker: 'tls-refused',
    loader: 'no-certificate',
  },
  {
    id: 'foreign-ca',
    what: 'from another CA, with the subject of a provisioned identity',
    holders: 'both',
    broker: 'tls-refused',
    loader: 'loads',
  },
  {
    id: 'unprovisioned',
    what: 'from the lab CA, name not in the allowlist',
    holders: 'both',
    broker: 'no-user',
    loader: 'loads',
  },
  {
    id: 'expired',
    what: 'provisioned subject, expired yesterday',
    holders: 'both',
    broker: 'tls-refused',
    loader: 'expired',
  },
  {
    id: 'not-yet-valid',
    what: 'provisioned subject, valid from 30 days on',
    holders: 'both',
    broker: 'tls-refused',
    loader: 'not-yet-valid',
  },
  {
    id: 'server-auth-only',
    what: 'provisioned subject, extendedKeyUsage serverAuth only',
    holders: 'both',
    broker: 'tls-refused',
    loader: 'not-for-client-auth',
  },
  {
    id: 'key-agreement-only',
    what: 'provisioned subject, keyUsage keyAgreement only (no digitalSignature)',
    holders: 'both',
    broker: 'tls-refused',
    loader: 'loads',
  },
  {
    id: 'signer',
    what: "the console's config signing certificate (no extendedKeyUsage, OU=signers)",
    holders: 'none',
    broker: 'no-user',
    loader: 'wrong-label',
  },
  {
    id: 'provisioned',
    what: 'provisioned, valid, clientAuth',
    holders: 'both',
    broker: 'admitted',
    loader: 'loads',
  },
  {
    id: 'revoked-while-connected',
    what: 'provisioned, then revoked while its session is open',
    holders: 'both',
    broker: 'no-user',
    loader: 'loads',
  },
  {
    id: 'reprovisioned',
    what: 'revoked, then provisioned again (no broker restart)',
    holders: 'both',
    broker: 'admitted',
    loader: 'loads',
  },
];

const brokerWords: Record<BrokerAnswer, string> = {
  'tls-refused':
    'TLS refused: 1.2 handshake fails; 1.3 closed after the handshake, no ticket, no STOMP (no alert on nio+ssl)',
  'no-user': 'TLS accepted; CONNECT answered `ERROR No user for client certificate: <DN>`',
  admitted: '`CONNECTED`',
};

function clientWords(c: CertCase): string {
  if (c.holders === 'none') return '— (our clients always present their profile’s certificate)';
  if (c.id === 'revoked-while-connected') {
    return '`ERROR … was revoked`, session closed within 5 s; reconnects, is refused (`No user`), retries every 30 s';
  }
  if (c.id === 'expired')
    return 'error log “refused this certificate: it expired on <date>; renew it”; retries every 30 s';
  switch (c.broker) {
    case 'tls-refused':
      return 'log “closed the connection at the end of the TLS handshake … did not accept this certificate … or it was going down”; retries at the usual 0.1–3 s pace';
    case 'no-user':
      return 'error log “refused this identity: … No user for client certificate”; retries every 30 s';
    case 'admitted':
      return 'connected';
  }
}

/** What our client must do with a case's certificate: connect, wait 30 s between tries, or retry soon. */
export function clientPace(c: CertCase): 'connected' | 'every-30-s' | 'usual-backoff' {
  if (c.broker === 'admitted') return 'connected';
  return c.broker === 'tls-refused' && c.id !== 'expired' ? 'usual-backoff' : 'every-30-s';
}

const loaderWords: Record<LoaderVerdict, string> = {
  loads: 'loads',
  expired: 'refuses: `expired on <date>`',
  'not-yet-valid': 'refuses: `valid only from <date> (check the clock)`',
  'not-for-client-auth': 'refuses: `not for TLS client authentication`',
  'wrong-label': 'refuses: key sealed as the config signing key, not the TLS client key',
  'no-certificate': '— (a profile without a certificate does not parse)',
};

const head = [
  'Certificate presented',
  'Run as',
  'Broker',
  'Our client (SmtConnection)',
  'Our loader at start',
];

/** The table's header and rows, cell by cell. */
export function certMatrixRows(cases: readonly CertCase[] = certCases): string[][] {
  return [
    head,
    ...cases.map((c) => [
      c.what,
      c.holders === 'both' ? 'console, agent' : '—',
      brokerWords[c.broker],
      clientWords(c),
      loaderWords[c.loader],
    ]),
  ];
}

/** The markdown table of docs/reliability.md's "Certificate matrix" section (prettier pads it there). */
export function renderCertMatrix(cases: readonly CertCase[] = certCases): string {
  const [first = [], ...rest] = certMatrixRows(cases);
  return [first, first.map(() => '---'), ...rest].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** The cells of the first table under `heading` in a markdown text, padding trimmed, separator left out. */
export function markdownTable(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no "${heading}" heading`);
  const from = lines.findIndex((l, i) => i > start && l.startsWith('|'));
  if (from < 0) throw new Error(`no table under "${heading}"`);
  const table: string[][] = [];
  for (let i = from; lines[i]?.startsWith('|'); i++) {
    const cells = (lines[i] as string)
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (!cells.every((c) => /^:?-+:?$/.test(c))) table.push(cells);
  }
  return table;
}
