/**
 * The stats-ingest baseline: one bare STOMP session with the console's certificate subscribed to the same
 * live topics as the console core, parsing each message's JSON and nothing more. Its CPU time is the
 * floor under the console core's for the same stream.
 *
 *   node --import tsx bench/bare/stats-consumer.ts <config.json>     prints "ready" once subscribed
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BareConsumerConfig, parseBody } from './protocol';
import { BareLink, readBody, type BareMessage } from './stomp';
import { errorText } from '../../src-shared/util/error-text';

function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: bench/bare/stats-consumer.ts <config.json>');
  const config = BareConsumerConfig.parse(JSON.parse(readFileSync(file, 'utf8')));
  let taken = 0;
  const link = new BareLink(
    config.brokers,
    {
      ca: readFileSync(config.caFile),
      cert: readFileSync(config.certFile),
      key: readFileSync(config.keyFile),
    },
    (client) => {
      for (const destination of config.topics) {
        client.subscribe({ destination, ack: 'auto' }, (e, m) => {
          if (e) return;
          void readBody(m as BareMessage).then((text) => {
            // Parsed, as the console parses each one; a body that is not JSON is not counted.
            if (parseBody(z.unknown(), text) !== undefined) taken++;
          });
        });
      }
    },
  );
  const stop = () => {
    link.stop();
    process.stdout.write(`taken ${taken}\n`);
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return link.start().then(() => void process.stdout.write('ready\n'));
}

main().catch((e: unknown) => {
  process.stderr.write(`bare consumer: ${errorText(e)}\n`);
  process.exit(1);
});
