/**
 * Bare-broker remotes for the baseline, one process for a group of them as `smt-agent simulate` runs one
 * for a group of simulated remotes: each remote holds its own mutual-TLS session with its own certificate,
 * says hello on every (re)connect, and answers every message on its queue with a persistent reply, acking
 * the message once the broker has stored the reply. No SMT code.
 *
 *   node --import tsx bench/bare/remotes.ts <config.json>     prints "ready <n>" once all are connected
 */
import { readFileSync } from 'node:fs';
import {
  BareRemotesConfig,
  BareRequest,
  bareConsoleQueue,
  bareRemoteQueue,
  parseBody,
  type BareAnswer,
} from './protocol';
import { BareLink, readBody, sendPersistent, type BareClient, type BareMessage } from './stomp';
import { errorText } from '../../src-shared/util/error-text';
import { mapBounded } from '../../src-shared/util/map-bounded';

function serve(config: BareRemotesConfig, rid: string, client: BareClient): void {
  const reply = bareConsoleQueue(config.consoleId);
  client.subscribe({ destination: bareRemoteQueue(rid), ack: 'client-individual' }, (e, m) => {
    if (e) return;
    const message = m as BareMessage;
    void readBody(message).then((text) => {
      const request = parseBody(BareRequest, text);
      if (!request) return client.ack(message);
      const answer: BareAnswer = { from: rid, round: request.round, n: request.n };
      sendPersistent(client, reply, JSON.stringify(answer), () => client.ack(message));
    });
  });
  const hello: BareAnswer = { from: rid, hello: Date.now() };
  sendPersistent(client, reply, JSON.stringify(hello), () => undefined);
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: bench/bare/remotes.ts <config.json>');
  const config = BareRemotesConfig.parse(JSON.parse(readFileSync(file, 'utf8')));
  const ca = readFileSync(config.caFile);
  const links = config.remotes.map(
    (r) =>
      new BareLink(
        config.brokers,
        { ca, cert: readFileSync(r.certFile), key: readFileSync(r.keyFile) },
        (c) => serve(config, r.id, c),
      ),
  );
  const stop = () => {
    for (const l of links) l.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await mapBounded(links, config.concurrency, (l) => l.start());
  process.stdout.write(`ready ${links.length}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bare remotes: ${errorText(e)}\n`);
  process.exit(1);
});
