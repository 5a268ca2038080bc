/** A zone with every record type the model knows, valid as it is: a base for tests to change. */
export const sampleZone = {
  name: 'example.com',
  ttl: 3600,
  soa: {
    mname: 'ns1',
    rname: 'hostmaster@example.com',
    serial: 2026112501,
    refresh: 7200,
    retry: 900,
    expire: 1209600,
    minimum: 300,
  },
  records: [
    { owner: '@', type: 'NS', target: 'ns1' },
    { owner: '@', type: 'NS', target: 'ns.example.net.' },
    { owner: 'ns1', type: 'A', address: '192.0.2.1' },
    { owner: 'www.example.com.', type: 'AAAA', address: '2001:db8::1', ttl: 300 },
    { owner: 'web', type: 'CNAME', target: 'www' },
    { owner: '@', type: 'MX', preference: 10, exchange: 'ns1' },
    { owner: '@', type: 'TXT', strings: ['v=spf1 -all', 'say "hi"\\'] },
    { owner: '_sip._tcp', type: 'SRV', priority: 10, weight: 5, port: 5060, target: 'ns1' },
    { owner: '1', type: 'PTR', target: 'host.example.net.' },
    { owner: '*.dyn', type: 'A', address: '192.0.2.9' },
  ],
};
