/**
 * What the chaos run pushes: three zones to every DNS remote and two DHCP scopes to every DHCP remote
 * of the fleet, each push the next version of one of them, picked by the seeded generator.
 */
import { SimulatedHost } from '../src-agent/simulate/host-model';
import type { PushRequest } from '../src-shared/push/request';
import { fleetZoneText } from '../tests/helpers/push-console';
import type { Random } from './random';

type Capability = 'dns' | 'dhcp4';
type ChaosObject = PushRequest['object'];

const objects: readonly { object: ChaosObject; serves: Capability }[] = [
  { object: { kind: 'zone', name: 'chaos-a.test' }, serves: 'dns' },
  { object: { kind: 'zone', name: 'chaos-b.test' }, serves: 'dns' },
  { object: { kind: 'zone', name: 'chaos-c.test' }, serves: 'dns' },
  { object: { kind: 'scope', subnet: '10.99.0.0/24' }, serves: 'dhcp4' },
  { object: { kind: 'scope', subnet: '10.99.1.0/24' }, serves: 'dhcp4' },
];

function payload(object: ChaosObject, version: number): NonNullable<PushRequest['payload']> {
  if (object.kind === 'zone') return { format: 'zone-text', text: fleetZoneText(version) };
  const third = object.subnet.split('.')[2] ?? '0';
  return {
    format: 'kea-subnet4',
    scope: {
      subnet: object.subnet,
      id: 990 + Number(third),
      pools: [{ start: `10.99.${third}.10`, end: `10.99.${third}.200` }],
      // The version shows in what the remote serves, so each version has its own hash.
      options: [{ name: 'domain-name', data: `v${version}.chaos.test` }],
    },
  };
}

/** Remote ids that serve each capability, as the simulator's host model assigns roles by index. */
function servers(remotes: readonly { id: string; index: number }[]): Record<Capability, string[]> {
  const out: Record<Capability, string[]> = { dns: [], dhcp4: [] };
  for (const r of remotes) {
    const caps = new SimulatedHost(r.index, () => 0.5, 0).capabilities();
    for (const c of caps) if (c === 'dns' || c === 'dhcp4') out[c].push(r.id);
  }
  return out;
}

/** Hands out the next push: a seeded object, its next version, every remote that serves it. */
export class PushSource {
  private readonly versions = new Map<ChaosObject, number>();
  private readonly targets: Record<Capability, string[]>;

  constructor(
    private readonly rnd: Random,
    remotes: readonly { id: string; index: number }[],
  ) {
    this.targets = servers(remotes);
  }

  next(): PushRequest {
    const { object, serves } = this.rnd.pick(objects);
    const version = (this.versions.get(object) ?? 0) + 1;
    this.versions.set(object, version);
    return {
      object,
      version,
      payload: payload(object, version),
      selector: { kind: 'ids', ids: this.targets[serves] },
      author: 'chaos run',
    };
  }
}
