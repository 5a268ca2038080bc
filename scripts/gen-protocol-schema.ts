// Writes the SMT protocol as JSON Schema (docs/protocol/) so agents in other languages can join the
// tunnel. `--check` fails when the committed schemas no longer match the zod definitions.
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { channelTypes, envelopeSchemas, Envelope, FoundLeases, ServedConfig } from '../src-shared/protocol';

const outDir = join(import.meta.dirname, '..', 'docs', 'protocol');
const check = process.argv.includes('--check');

const render = (schema: z.ZodType, id: string) =>
  JSON.stringify({ $id: id, ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) }, null, 2) +
  '\n';

const files = new Map<string, string>([
  ['envelope.schema.json', render(Envelope, 'smt-envelope')],
  ...channelTypes.map((t) => [`${t}.schema.json`, render(envelopeSchemas[t], `smt-${t}`)] as const),
  // Reply data is free JSON in the envelope; the answers other agents must give get their own schema.
  ['served-config.schema.json', render(ServedConfig, 'smt-served-config')],
  ['found-leases.schema.json', render(FoundLeases, 'smt-found-leases')],
]);

if (check) {
  const stale = [...files].filter(([name, text]) => {
    const path = join(outDir, name);
    return !existsSync(path) || readFileSync(path, 'utf8') !== text;
  });
  const extra = existsSync(outDir)
    ? readdirSync(outDir).filter((f) => f.endsWith('.json') && !files.has(f))
    : [];
  if (stale.length || extra.length) {
    console.error(
      `docs/protocol is out of date (${[...stale.map(([n]) => n), ...extra].join(', ')}): run \`npm run protocol:schema\` and commit.`,
    );
    process.exit(1);
  }
  console.log(`docs/protocol: ${files.size} schemas up to date`);
} else {
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(outDir, name), text);
  console.log(`wrote ${files.size} schemas to docs/protocol/`);
}
