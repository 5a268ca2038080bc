import type { JSONType } from './zone-rows';

/**
 * The scope form keeps its lists as lines (one pool, option or reservation a line), the way an admin
 * pastes them; the draft stores the DhcpScope model, whose messages name the item (`pools.1`), which is
 * the item's line among the non-empty ones.
 */
export interface ScopeForm {
  subnet: string;
  id: string;
  lifetime: string;
  pools: string;
  options: string;
  reservations: string;
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

const num = (text: string): number | string =>
  /^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim();

export function scopeToModel(f: ScopeForm): JSONType {
  const model: { [key: string]: JSONType } = {
    subnet: f.subnet.trim(),
    id: num(f.id),
    pools: lines(f.pools).map((l) => {
      const [start = '', end = ''] = l.split(/\s*-\s*/);
      return { start, end };
    }),
    options: lines(f.options).map((l) => {
      const at = l.search(/\s/);
      return at < 0 ? { name: l, data: '' } : { name: l.slice(0, at), data: l.slice(at).trim() };
    }),
    reservations: lines(f.reservations).map((l): JSONType => {
      const [ipAddress = '', hwAddress = '', hostname] = l.split(/\s+/);
      return hostname === undefined ? { ipAddress, hwAddress } : { ipAddress, hwAddress, hostname };
    }),
  };
  if (f.lifetime.trim() !== '') model.validLifetimeS = num(f.lifetime);
  return model;
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const list = (v: unknown) => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);

export function modelToScope(model: unknown): ScopeForm {
  const m = (typeof model === 'object' && model !== null ? model : {}) as Record<string, unknown>;
  return {
    subnet: str(m.subnet),
    id: str(m.id),
    lifetime: str(m.validLifetimeS),
    pools: list(m.pools)
      .map((p) => `${str(p.start)}-${str(p.end)}`)
      .join('\n'),
    options: list(m.options)
      .map((o) => `${str(o.name)} ${str(o.data)}`)
      .join('\n'),
    reservations: list(m.reservations)
      .map((r) =>
        [r.ipAddress, r.hwAddress, r.hostname]
          .filter((x) => x !== undefined)
          .map(str)
          .join(' '),
      )
      .join('\n'),
  };
}

export const newScopeForm = (subnet: string): ScopeForm => ({
  subnet,
  id: '1',
  lifetime: '3600',
  pools: '',
  options: '',
  reservations: '',
});
