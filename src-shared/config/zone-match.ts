import { originOf } from './zone';

/**
 * The zone among `zones` that holds `name`: the longest one it equals or ends in, label-wise (DNS names
 * compare case-insensitively), as a server picks the zone that answers. Undefined when none does.
 */
export function containingZone(name: string, zones: readonly string[]): string | undefined {
  const fqdn = originOf(name).toLowerCase();
  let best: string | undefined;
  let bestLength = -1;
  for (const zone of zones) {
    const origin = originOf(zone).toLowerCase();
    const inside = fqdn === origin || fqdn.endsWith(`.${origin}`) || origin === '.';
    if (inside && origin.length > bestLength) {
      best = zone;
      bestLength = origin.length;
    }
  }
  return best;
}
