/**
 * A stand-in for the renderer on the browser host's WebSocket bridge (the same Origin and session cookie a
 * page sends): calls the contract, counts the fleet patches that reach it and keeps every connection state
 * the console announced.
 */
import WebSocket from 'ws';
import { BRIDGE_PATH, BridgeResponse } from '../src-shared/ipc';
import { ConnectionStatus, FleetPatch } from '../src-shared/ipc/views';

export class BridgeProbe {
  patches = 0;
  upserts = 0;
  /** The state of each `connectionChanged` event, in order (`connected`, `reconnecting`, …). */
  readonly connectionStates: string[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = BridgeResponse.parse(JSON.parse(String(data)));
      if (frame.kind === 'result') {
        this.pending.get(frame.id)?.(frame.result);
        this.pending.delete(frame.id);
      } else if (frame.event === 'fleetPatch') {
        this.patches++;
        this.upserts += FleetPatch.parse(frame.payload).upserts.length;
      } else if (frame.event === 'connectionChanged') {
        this.connectionStates.push(ConnectionStatus.parse(frame.payload).state.kind);
      }
    });
  }

  /** Opens the bridge of the host at `origin` (http://127.0.0.1:<port>) with its session token. */
  static open(origin: string, token: string): Promise<BridgeProbe> {
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}${BRIDGE_PATH}`, {
      headers: { Origin: origin, Cookie: `smt_session=${token}` },
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new BridgeProbe(ws)));
      ws.once('error', reject);
    });
  }

  /** One call of the contract; resolves with its `{ ok, value | error }`. */
  call(call: string, args: unknown[] = []): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ kind: 'invoke', id, call, args }));
    });
  }

  close(): void {
    this.ws.close();
  }
}
