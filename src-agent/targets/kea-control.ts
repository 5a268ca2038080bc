import { connect } from 'node:net';
import { z } from 'zod';

/** Kea's answer to one control command: result 0 success, 1 error, 2 unsupported, 3 empty. */
export const KeaAnswer = z.object({
  result: z.number().int(),
  text: z.string().optional(),
  arguments: z.unknown().optional(),
});
export type KeaAnswer = z.infer<typeof KeaAnswer>;

export const KEA_SUCCESS = 0;
export const KEA_UNSUPPORTED = 2;
export const KEA_EMPTY = 3;

/**
 * Sends one command over Kea's unix control socket and reads the answer until Kea closes the
 * connection (one command per connection). A deadline covers connect, send and read: Kea waits 10 s
 * on a half-sent command, and a stuck server must not stall the agent.
 */
export function keaCommand(
  socketPath: string,
  command: string,
  args: unknown,
  timeoutMs: number,
): Promise<KeaAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`Kea ${command}: no answer within ${timeoutMs} ms on ${socketPath}`));
    }, timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      reject(new Error(`Kea ${command} on ${socketPath}: ${e.message}`));
    };
    socket.on('error', fail);
    socket.on('connect', () => {
      socket.end(JSON.stringify(args === undefined ? { command } : { command, arguments: args }));
    });
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return reject(new Error(`Kea ${command}: answer is not JSON: ${text.slice(0, 200)}`));
      }
      // The control agent wraps answers in a list; the server's own socket answers one object.
      const parsed = KeaAnswer.safeParse(Array.isArray(json) ? json[0] : json);
      if (!parsed.success)
        return reject(new Error(`Kea ${command}: unexpected answer: ${text.slice(0, 200)}`));
      resolve(parsed.data);
    });
  });
}
