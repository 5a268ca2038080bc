import { quoteTxt } from '../../../src-shared/config/zone-render';
import type { DraftContent } from '../../../src-shared/ipc/draft-views';

/** Any JSON value, as a draft's model is stored. */
export type JSONType = Extract<DraftContent, { format: 'zone' }>['zone'];

/**
 * The records editor works on rows of text (owner, type, TTL, value as written in a zone file); the draft
 * stores the zone model, so the Zone schema judges it and its messages land on the row's field.
 */
export interface RecordRow {
  owner: string;
  type: string;
  ttl: string;
  value: string;
}

export interface ZoneForm {
  name: string;
  ttl: string;
  soa: {
    mname: string;
    rname: string;
    serial: string;
    refresh: string;
    retry: string;
    expire: string;
    minimum: string;
  };
  records: RecordRow[];
}

export const recordTypes = ['A', 'AAAA', 'NS', 'CNAME', 'MX', 'TXT', 'SRV', 'PTR'] as const;

/** What the value field of each type holds, as its placeholder says. */
export const valueHint: Record<string, string> = {
  A: '192.0.2.10',
  AAAA: '2001:db8::10',
  NS: 'ns1',
  CNAME: 'www',
  MX: '10 mail',
  TXT: '"v=spf1 -all"',
  SRV: '10 5 5060 sip',
  PTR: 'host.example.com.',
};

/** A number when the text is one; the text itself otherwise, so the schema says it is not a number. */
const num = (text: string): number | string => {
  const t = text.trim();
  return t !== '' && /^-?\d+$/.test(t) ? Number(t) : t;
};

/** TXT strings as a zone file writes them ("a" "b"); unquoted text is one string. */
export function parseTxt(value: string): string[] {
  const quoted = [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'));
  return quoted.length > 0 ? quoted : [value];
}

function recordOf(row: RecordRow): { [key: string]: JSONType } {
  const base: { [key: string]: JSONType } = { owner: row.owner.trim(), type: row.type };
  if (row.ttl.trim() !== '') base.ttl = num(row.ttl);
  const parts = row.value.trim().split(/\s+/);
  switch (row.type) {
    case 'A':
    case 'AAAA':
      return { ...base, address: row.value.trim() };
    case 'NS':
    case 'CNAME':
    case 'PTR':
      return { ...base, target: row.value.trim() };
    case 'MX':
      return { ...base, preference: num(parts[0] ?? ''), exchange: parts[1] ?? '' };
    case 'SRV':
      return {
        ...base,
        priority: num(parts[0] ?? ''),
        weight: num(parts[1] ?? ''),
        port: num(parts[2] ?? ''),
        target: parts[3] ?? '',
      };
    case 'TXT':
      return { ...base, strings: parseTxt(row.value) };
    default:
      return base;
  }
}

export function formToModel(form: ZoneForm): JSONType {
  const s = form.soa;
  return {
    name: form.name.trim(),
    ttl: num(form.ttl),
    soa: {
      mname: s.mname.trim(),
      rname: s.rname.trim(),
      serial: num(s.serial),
      refresh: num(s.refresh),
      retry: num(s.retry),
      expire: num(s.expire),
      minimum: num(s.minimum),
    },
    records: form.records.map(recordOf),
  };
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** Reads a stored model back into rows; whatever it holds is shown, even what the schema refuses. */
export function modelToForm(model: unknown): ZoneForm {
  const m = (typeof model === 'object' && model !== null ? model : {}) as Record<string, unknown>;
  const soa = (typeof m.soa === 'object' && m.soa !== null ? m.soa : {}) as Record<string, unknown>;
  const records = Array.isArray(m.records) ? (m.records as Record<string, unknown>[]) : [];
  return {
    name: str(m.name),
    ttl: str(m.ttl),
    soa: {
      mname: str(soa.mname),
      rname: str(soa.rname),
      serial: str(soa.serial),
      refresh: str(soa.refresh),
      retry: str(soa.retry),
      expire: str(soa.expire),
      minimum: str(soa.minimum),
    },
    records: records.map((r) => {
      const type = str(r.type);
      let value = '';
      if (type === 'A' || type === 'AAAA') value = str(r.address);
      else if (type === 'MX') value = `${str(r.preference)} ${str(r.exchange)}`;
      else if (type === 'SRV') value = [r.priority, r.weight, r.port, r.target].map(str).join(' ');
      else if (type === 'TXT')
        value = (Array.isArray(r.strings) ? r.strings : []).map((x) => quoteTxt(str(x))).join(' ');
      else value = str(r.target);
      return { owner: str(r.owner), type, ttl: str(r.ttl), value };
    }),
  };
}

export const newZoneForm = (name: string): ZoneForm => ({
  name,
  ttl: '3600',
  soa: {
    mname: 'ns1',
    rname: `hostmaster@${name.replace(/\.$/, '') || 'example.com'}`,
    serial: String(Number(new Date().toISOString().slice(0, 10).replaceAll('-', '')) * 100 + 1),
    refresh: '3600',
    retry: '600',
    expire: '1209600',
    minimum: '300',
  },
  records: [
    { owner: '@', type: 'NS', ttl: '', value: 'ns1' },
    { owner: 'ns1', type: 'A', ttl: '', value: '' },
  ],
});
