import { z } from 'zod';

/** Frames of the browser host's WebSocket bridge: the IPC contract carried as JSON. */
export const BridgeRequest = z.object({
  kind: z.literal('invoke'),
  id: z.number().int().nonnegative(),
  call: z.string().max(64),
  args: z.array(z.unknown()).max(16),
});
export type BridgeRequest = z.infer<typeof BridgeRequest>;

export const BridgeResponse = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('result'), id: z.number(), result: z.unknown() }),
  z.object({ kind: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type BridgeResponse = z.infer<typeof BridgeResponse>;

export const BRIDGE_PATH = '/bridge';
export const MAX_BRIDGE_FRAME_BYTES = 256 * 1024;
