/**
 * Looks for secrets in clear in every byte of every file under some directories: databases, their WAL,
 * logs, profiles. A secret is searched in each form it could be written in (PEM, DER, the bare private
 * scalar, base64, base64url, hex; a passphrase as UTF-8, UTF-16 and base64).
 */
import { createPrivateKey } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Needle {
  /** What it is, in a failure message: "console TLS key (pkcs8 DER, base64)". */
  name: string;
  bytes: Buffer;
}

const textForms = (name: string, raw: Buffer): Needle[] => [
  { name, bytes: raw },
  { name: `${name}, base64`, bytes: Buffer.from(raw.toString('base64')) },
  { name: `${name}, base64url`, bytes: Buffer.from(raw.toString('base64url')) },
  { name: `${name}, hex`, bytes: Buffer.from(raw.toString('hex')) },
];

/** Every form of one private key: its DER encodings, its private scalar, and the first line of its PEM. */
export function keyNeedles(name: string, pem: string): Needle[] {
  const key = createPrivateKey(pem);
  const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.d !== 'string') throw new Error(`${name}: no private scalar in the key`);
  const der: Buffer[] = [pkcs8];
  if (key.asymmetricKeyType === 'ec') der.push(key.export({ format: 'der', type: 'sec1' }));
  const pemLines = der.map((d) => d.toString('base64').slice(0, 64));
  return [
    ...der.flatMap((d, i) => textForms(`${name} (${i === 0 ? 'pkcs8' : 'sec1'} DER)`, d)),
    ...textForms(`${name} (private scalar)`, Buffer.from(jwk.d, 'base64url')),
    ...pemLines.map((line) => ({ name: `${name} (a PEM line)`, bytes: Buffer.from(line) })),
  ];
}

export function passphraseNeedles(name: string, passphrase: string): Needle[] {
  return [
    { name, bytes: Buffer.from(passphrase, 'utf8') },
    { name: `${name}, UTF-16`, bytes: Buffer.from(passphrase, 'utf16le') },
    { name: `${name}, base64`, bytes: Buffer.from(Buffer.from(passphrase).toString('base64')) },
  ];
}

/** The marker of any PEM private key, whoever's. */
export const pemMarker: Needle = { name: 'a PEM private key', bytes: Buffer.from('PRIVATE KEY-----') };

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Each (file, secret) found; empty when every file is clean. */
export async function findSecrets(dirs: readonly string[], needles: readonly Needle[]): Promise<string[]> {
  const found: string[] = [];
  for (const dir of dirs) {
    for (const file of await filesUnder(dir)) {
      const bytes = await readFile(file);
      for (const n of needles) if (bytes.includes(n.bytes)) found.push(`${file}: ${n.name}`);
    }
  }
  return found;
}

/** Every file the scan reads, for the test to show it read the database, its WAL and the logs. */
export async function scannedFiles(dirs: readonly string[]): Promise<string[]> {
  return (await Promise.all(dirs.map(filesUnder))).flat();
}
