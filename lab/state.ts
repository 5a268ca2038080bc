import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { z } from 'zod';
import { writeAtomic } from './files';
import type { LabLayout } from './paths';

/** What a lab keeps between runs: ports chosen on the first up stay, so profiles and certificates stay valid. */
export const LabState = z.object({
  version: z.literal(1),
  host: z.literal('127.0.0.1'),
  ports: z.object({
    primary: z.number().int().min(1024).max(65535),
    secondary: z.number().int().min(1024).max(65535),
  }),
  /** Password of the broker's PKCS12 key and trust stores (also in conf/broker-secrets.properties). */
  storePassword: z.string().regex(/^[A-Za-z0-9]{16,}$/),
});
export type LabState = z.infer<typeof LabState>;

export async function readState(layout: LabLayout): Promise<LabState | undefined> {
  let text: string;
  try {
    text = await readFile(layout.stateFile, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `${layout.stateFile} is not JSON (${(e as Error).message}): remove the lab dir and run up again`,
    );
  }
  const parsed = LabState.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${layout.stateFile} is invalid: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export async function requireState(layout: LabLayout): Promise<LabState> {
  const state = await readState(layout);
  if (!state) throw new Error(`no lab in ${layout.dir}: run \`npm run lab -- up\` first`);
  return state;
}

/** The existing state, or a new one with two free ports. Caller holds the lab lock. */
export async function ensureState(layout: LabLayout): Promise<LabState> {
  const existing = await readState(layout);
  if (existing) return existing;
  const [primary, secondary] = await freePorts(2);
  const state: LabState = {
    version: 1,
    host: '127.0.0.1',
    ports: { primary: primary as number, secondary: secondary as number },
    storePassword: randomBytes(18)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .padEnd(20, 'x'),
  };
  await writeAtomic(layout.stateFile, `${JSON.stringify(state, null, 2)}\n`, 0o600);
  return state;
}

/** Ports the kernel hands out now; all held open together so the two are distinct. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected server address');
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
