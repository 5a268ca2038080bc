import type { z } from 'zod';
import type { ConfigObject } from '../protocol/bodies';

/**
 * The object an object key (objectKey) names: `zone:<name>` or `scope:<cidr>`. Keys are lower-case, so a
 * zone comes back under its canonical name; undefined for anything that is not a key.
 */
export function objectOfKey(key: string): z.infer<typeof ConfigObject> | undefined {
  if (key.startsWith('zone:') && key.length > 5) return { kind: 'zone', name: key.slice(5) };
  if (key.startsWith('scope:') && key.length > 6) return { kind: 'scope', subnet: key.slice(6) };
  return undefined;
}
