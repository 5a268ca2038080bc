import {
  err,
  ok,
  type CallArgs,
  type CallName,
  type CallResult,
  type ConnectionStatus,
  type EventName,
  type EventPayload,
  type EventPayloads,
  type FleetSnapshot,
  type IpcResult,
  type RejectCounters,
  type RemoteView,
  type SmtBackend,
} from '../../../src-shared/ipc';
import { brokerUrl } from '../../../src-shared/broker/address';
import type { StartState } from '../../../src-shared/ipc/profile-views';
import { openStartState } from '../../../src-shared/ipc/testing/start-state';
import type { BrokerEndpoint } from '../../../src-shared/profile';
import { TypedEmitter } from '../../../src-shared/util/typed-emitter';

const brokers: BrokerEndpoint[] = [
  { name: 'primary', host: '127.0.0.1', port: 61614 },
  { name: 'secondary', host: '127.0.0.1', port: 61615 },
];

export function remoteView(id: string, overrides: Partial<RemoteView> = {}): RemoteView {
  const now = Date.now();
  return {
    id,
    hostname: `${id}.dc1.example.net`,
    ips: ['192.0.2.10'],
    serviceTag: `SIM-${id}`,
    os: 'Debian GNU/Linux 12',
    kernel: '6.1.0-18-amd64',
    agentVersion: '0.1.0',
    mode: 'simulated',
    tags: ['site:ams', 'role:dns'],
    status: 'online',
    lastSeen: now,
    statsAt: now,
    staleAfterMs: 15_000,
    localTime: new Date(now).toISOString(),
    uptimeS: 86_400,
    load: [0.4, 0.3, 0.2],
    cpuPct: 12.5,
    memPct: 41,
    diskPct: 63,
    processes: [
      { name: 'named', running: true, pid: 100, uptimeS: 3600 },
      { name: 'kea-dhcp4', running: true, pid: 101, uptimeS: 3600 },
    ],
    ...overrides,
  };
}

/** A core stand-in for host and bridge tests: canned answers, recorded calls, events emitted on demand. */
export class FakeBackend implements SmtBackend {
  readonly received: { call: CallName; args: unknown }[] = [];
  fleet: FleetSnapshot = { at: Date.now(), remotes: [remoteView('r-0001'), remoteView('r-0002')] };
  connection: ConnectionStatus = {
    brokers: brokers.map((b) => ({ name: b.name, url: brokerUrl(b) })),
    state: { kind: 'connected', broker: 0, since: Date.now() - 60_000 },
    lastFailoverAt: null,
    consoleId: 'console-1',
  };
  rejects: RejectCounters = { total: 0, byReason: {}, byRemote: {} };
  /** A console with its profile open, so the renderer's gate shows the app at once. */
  startState: StartState = openStartState('Fake IPAM', 'console-1', brokers);
  failNext: string | null = null;
  private readonly events = new TypedEmitter<EventPayloads>();

  async handle<C extends CallName>(call: C, args: CallArgs<C>): Promise<IpcResult<CallResult<C>>> {
    this.received.push({ call, args });
    if (this.failNext) {
      const message = this.failNext;
      this.failNext = null;
      throw new Error(message);
    }
    // The bridge and host tests exercise the fleet calls; any other call is answered as the service
    // answers a remote it does not know, which is still a well-formed result to relay.
    const answers: { [K in CallName]?: CallResult<K> } = {
      getFleet: this.fleet,
      getConnection: this.connection,
      getRejects: this.rejects,
      getStartState: this.startState,
    };
    const answer = answers[call];
    return answer === undefined ? err('not-found', `the fake backend has no answer for ${call}`) : ok(answer);
  }

  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.events.on(event, listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.events.emit(event, payload);
  }

  listenerCount(event: EventName): number {
    return this.events.listenerCount(event);
  }
}
