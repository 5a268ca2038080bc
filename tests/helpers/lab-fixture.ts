/**
 * A private lab for one integration test file: its own temp dir, its own free ports, real brokers.
 *
 *   const lab = await startLab();          // in beforeAll (allow ~30 s: two JVMs start)
 *   await provision(['r-0001'], lab.opts); // any lab.ts call takes lab.opts
 *   await lab.stop();                      // in afterAll: stops the brokers by PID, removes the dir
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labUp, type BrokerStatus, type LabOptions } from '../../lab/lab';

export interface LabFixture {
  dir: string;
  /** With the heap the brokers started with, so a broker restarted with labUp(opts) gets it too. */
  opts: LabOptions & { heapMb?: number };
  /** As labUp returned them: primary active, secondary standby. */
  brokers: BrokerStatus[];
  stop(): Promise<void>;
}

export async function startLab(options: { heapMb?: number } = {}): Promise<LabFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'smt-lab-'));
  const opts = { dir, ...options };
  const stop = async () => {
    try {
      await labDown(opts);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    const brokers = await labUp(opts);
    return { dir, opts, brokers, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
