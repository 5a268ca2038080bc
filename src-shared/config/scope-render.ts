import type { DhcpScope } from './scope';

const ipv4ToInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A scope as readable lines, one item per line in a fixed order (subnet, id, lifetime, pools by start,
 * options by name and data, reservations by address), so that the same scope always gives the same text
 * whatever order its lists came in, and a push preview diffs a scope the way it diffs a zone file.
 * MAC addresses are lower-cased (Kea reports them so); option data is kept as given.
 */
export function renderScope(scope: DhcpScope): string {
  const lines = [`subnet ${scope.subnet}`, `id ${scope.id}`];
  if (scope.validLifetimeS !== undefined) lines.push(`valid-lifetime ${scope.validLifetimeS}`);
  const pools = [...scope.pools].sort(
    (a, b) => ipv4ToInt(a.start) - ipv4ToInt(b.start) || ipv4ToInt(a.end) - ipv4ToInt(b.end),
  );
  for (const p of pools) lines.push(`pool ${p.start}-${p.end}`);
  const options = [...scope.options].sort((a, b) => byText(a.name, b.name) || byText(a.data, b.data));
  for (const o of options) lines.push(`option ${o.name} ${o.data}`);
  const reservations = [...scope.reservations].sort(
    (a, b) => ipv4ToInt(a.ipAddress) - ipv4ToInt(b.ipAddress) || byText(a.hwAddress, b.hwAddress),
  );
  for (const r of reservations) {
    const host = r.hostname === undefined ? '' : ` ${r.hostname}`;
    lines.push(`reservation ${r.ipAddress} ${r.hwAddress.toLowerCase()}${host}`);
  }
  return `${lines.join('\n')}\n`;
}
