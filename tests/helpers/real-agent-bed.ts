/**
 * One remote in `run` mode on this machine's own named and kea-dhcp4, on a private lab, with a raw console
 * probe: what the real-agent tests (agent-real, served-inventory-real) start and stop the same way.
 *
 *   const bed = await startRealAgentBed({ rid: 'r-0501', agent: (bind, kea) => ({ bind: bind.settings, … }) });
 *   const result = await bed.push(body);   // a config to the remote, and its outcome
 *   await bed.stop();                      // in afterAll: agent, probe, servers, lab, work dir
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBind, startKea, type BindServer, type KeaServer } from '../../lab/real-servers';
import type { AgentConfig } from '../../src-agent/agent/config';
import type { Body } from '../../src-shared/protocol';
import { AgentProcesses, writeLabAgentConfig, type AgentProcess } from './agent-process';
import { ConsoleProbe } from './console-probe';
import { startLab, type LabFixture } from './lab-fixture';

export interface RealAgentBed {
  lab: LabFixture;
  bind: BindServer;
  kea: KeaServer;
  probe: ConsoleProbe;
  agent: AgentProcess;
  /** The agent's config file and state live here. */
  work: string;
  /** Sends one config to the remote and waits for its outcome. */
  push(body: Body<'config'>): Promise<Body<'result'>>;
  stop(): Promise<void>;
}

export async function startRealAgentBed(opts: {
  rid: string;
  /** More statements for named's options block. */
  bindOptions?: string;
  /** The agent's settings beyond the lab's, given the servers it drives. */
  agent: (bind: BindServer, kea: KeaServer) => Partial<AgentConfig>;
  /** Also read the remotes' hellos and served inventories (ConsoleProbe's `hellos`). */
  hellos?: boolean;
}): Promise<RealAgentBed> {
  const agents = new AgentProcesses();
  let lab: LabFixture | undefined;
  let servers: [BindServer, KeaServer] | undefined;
  let probe: ConsoleProbe | undefined;
  let work = '';
  const stop = async () => {
    agents.killAll();
    await probe?.stop();
    await Promise.all(servers?.map((s) => s.stop()) ?? []);
    await lab?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  };
  try {
    lab = await startLab();
    servers = await Promise.all([
      startBind(opts.bindOptions === undefined ? {} : { options: opts.bindOptions }),
      startKea(),
    ]);
    const [bind, kea] = servers;
    work = await mkdtemp(join(tmpdir(), `smt-${opts.rid}-`));
    const file = await writeLabAgentConfig(lab.opts, opts.rid, work, opts.agent(bind, kea));
    // The probe reads its queues before the agent connects, so it gets the first hello and inventory.
    probe = await ConsoleProbe.start(lab.opts, { hellos: opts.hellos ?? false });
    const agent = agents.start(['run', '--config', file], { direct: false });
    await agent.connectedToPrimary(opts.rid);
    const p = probe;
    return {
      lab,
      bind,
      kea,
      probe: p,
      agent,
      work,
      push: async (body) => {
        const env = await p.config(opts.rid, body);
        return p.waitResult(env.id, ['applied', 'failed', 'superseded', 'rolled-back']);
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
