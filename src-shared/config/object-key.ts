import type { z } from 'zod';
import type { ConfigObject } from '../protocol/bodies';

/**
 * A zone's name as console and agent compare it: lower-case, without the trailing dot, so `Example.TEST.`
 * and `example.test` are one zone.
 */
export const zoneKey = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/**
 * One key per zone or scope, however its name is spelled: the console numbers versions by it (the
 * outbox's `object_key`) and the agent's ledger records the version it applied under it, so both sides
 * must compute it here, the same way.
 */
export const objectKey = (o: z.infer<typeof ConfigObject>): string =>
  o.kind === 'zone' ? `zone:${zoneKey(o.name)}` : `scope:${o.subnet}`;
