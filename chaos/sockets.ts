/**
 * The TCP sockets of the active broker's port as the kernel has them (`ss`), for the end of a run that
 * did not settle: the broker's side by state (a CLOSE-WAIT is a connection its client closed and the
 * broker did not), and the clients' side by owning process. Set beside the broker's own list of
 * connections (consumer-advisories.ts), it tells a connection the broker keeps with no socket under it
 * from a client that holds two sessions open.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { errorText } from '../src-shared/util/error-text';

const run = promisify(execFile);

/** One line of `ss -tanpH`: state, local and peer address, and the owning processes when known. */
function parse(line: string): { state: string; local: number; peer: number; pids: number[] } | undefined {
  const [state, , , local, peer, ...rest] = line.trim().split(/\s+/);
  const port = (a: string | undefined) => Number(a?.slice(a.lastIndexOf(':') + 1));
  if (!state || !local || !peer) return undefined;
  const pids = [...rest.join(' ').matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
  return { state, local: port(local), peer: port(peer), pids };
}

/** A one-line census of the sockets of `port`; `owners` names the pids the run started. */
export async function socketCensus(port: number, owners: ReadonlyMap<number, string>): Promise<string> {
  let out: string;
  try {
    ({ stdout: out } = await run('ss', ['-tanpH'], { maxBuffer: 16 << 20 }));
  } catch (e) {
    return `no socket census: ${errorText(e)}`;
  }
  const brokerSide = new Map<string, number>();
  const clientSide = new Map<string, number>();
  for (const s of out.split('\n').map(parse)) {
    if (!s || s.state === 'LISTEN') continue;
    if (s.local === port) brokerSide.set(s.state, (brokerSide.get(s.state) ?? 0) + 1);
    else if (s.peer === port && s.state === 'ESTAB') {
      const who = s.pids.map((p) => owners.get(p) ?? `pid ${p}`).join('+') || 'no process';
      clientSide.set(who, (clientSide.get(who) ?? 0) + 1);
    }
  }
  const list = (m: Map<string, number>) => [...m].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  return `broker port ${port}: broker side ${list(brokerSide)}; clients' established sockets by process: ${list(clientSide)}`;
}
