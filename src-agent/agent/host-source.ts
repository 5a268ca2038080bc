import type { Body, ServiceName } from '../../src-shared/protocol';

export type HostInfo = Body<'hello'>['host'];
export type Capability = Body<'hello'>['capabilities'][number];
export type HostSample = Omit<Body<'stats'>, 'seq'>;

/** What a remote says about itself in hello: the same for a real host and a simulated one. */
export interface HostIdentity {
  host: HostInfo;
  capabilities: Capability[];
  tags: string[];
}

/**
 * Where the agent's hello and stats come from: /proc and friends on a real remote, a random-walk model
 * in simulate mode. The pipeline does not know which.
 */
export interface HostSource {
  readonly mode: 'real' | 'simulated';
  identity(): Promise<HostIdentity>;
  sample(now: number): Promise<HostSample>;
  uptimeS(now: number): Promise<number>;
}

/** One service's actions for the command channel; a missing action is one the service does not have. */
export type ServiceActions = Partial<Record<'reload' | 'restart' | 'flush-cache', () => Promise<void>>>;
export type ServiceControls = Partial<Record<ServiceName, ServiceActions>>;
