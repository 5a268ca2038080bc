/**
 * renderScope's text read back into a scope model: what a remote reports it serves for a scope (the
 * `config` query's text) becomes a draft the admin edits in the scope form (adopt).
 */

/** A line of the text that renderScope would not have written; `line` counts from 1. */
export class ScopeTextError extends Error {
  override name = 'ScopeTextError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** DhcpScope's shape, unchecked; a type (not an interface) so it is plain JSON to a draft. */
export type ScopeJson = {
  subnet?: string;
  id?: number;
  validLifetimeS?: number;
  pools: { start: string; end: string }[];
  options: { name: string; data: string }[];
  reservations: { ipAddress: string; hwAddress: string; hostname?: string }[];
};

/**
 * The scope as plain JSON in DhcpScope's shape. Only the form is read here: the DhcpScope schema judges
 * the values when the draft is saved, and says per field what is wrong.
 */
export function readScopeText(text: string): ScopeJson {
  const scope: { subnet?: string; id?: number; validLifetimeS?: number } = {};
  const pools: ScopeJson['pools'] = [];
  const options: ScopeJson['options'] = [];
  const reservations: ScopeJson['reservations'] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const bad = (why: string) => new ScopeTextError(i + 1, `${why}: "${line.slice(0, 80)}"`);
    const [word = '', ...rest] = line.split(/\s+/);
    switch (word) {
      case 'subnet':
        if (rest.length !== 1) throw bad('subnet takes one CIDR');
        scope.subnet = rest[0];
        return;
      case 'id':
      case 'valid-lifetime': {
        const n = Number(rest[0]);
        if (rest.length !== 1 || !Number.isInteger(n)) throw bad(`${word} takes one whole number`);
        if (word === 'id') scope.id = n;
        else scope.validLifetimeS = n;
        return;
      }
      case 'pool': {
        const [start, end, ...more] = (rest[0] ?? '').split('-');
        if (rest.length !== 1 || start === undefined || end === undefined || more.length > 0)
          throw bad('pool takes START-END');
        pools.push({ start, end });
        return;
      }
      case 'option': {
        // The data is everything after the name, spaces included, as renderScope wrote it.
        const m = /^option\s+(\S+)\s?(.*)$/.exec(line);
        if (!m) throw bad('option takes a name and its data');
        options.push({ name: m[1] as string, data: m[2] as string });
        return;
      }
      case 'reservation': {
        const [ipAddress, hwAddress, hostname, ...more] = rest;
        if (ipAddress === undefined || hwAddress === undefined || more.length > 0)
          throw bad('reservation takes an address, a MAC address and maybe a host name');
        reservations.push({ ipAddress, hwAddress, ...(hostname === undefined ? {} : { hostname }) });
        return;
      }
      default:
        throw bad(`"${word}" is not a line of a scope`);
    }
  });
  return { ...scope, pools, options, reservations };
}
