import { Zone, type RecordType } from '../../src-shared/config/zone';
import { renderZone } from '../../src-shared/config/zone-render';

export const recordTypes: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SRV', 'TXT'];

/** What each type's value cell takes, as the placeholder shows it. */
export const valueHint: Record<RecordType, string> = {
  A: '192.0.2.10',
  AAAA: '2001:db8::10',
  CNAME: 'www.example.net.',
  MX: '10 mail',
  NS: 'ns1',
  PTR: 'host.example.net.',
  SRV: '10 5 5060 sip',
  TXT: 'v=spf1 -all',
};

/** One row of the records table as typed: text in every cell, checked only as a whole zone. */
export interface RecordRow {
  /** Stable React key; rows are added and removed in the middle. */
  key: number;
  owner: string;
  type: RecordType;
  /** Empty: the zone's default TTL. */
  ttl: string;
  value: string;
}

export interface ZoneDraft {
  name: string;
  ttl: string;
  /** The SOA's primary name server and contact; the serial and timers are set for the admin. */
  mname: string;
  rname: string;
  rows: RecordRow[];
}

export type FieldName = 'owner' | 'type' | 'ttl' | 'value';

export interface ZoneCheck {
  /** The rendered zone file when the zone model accepts the draft. */
  text: string | null;
  /** Errors by row key and field (`row` for what concerns the whole record). */
  rowErrors: Map<number, Partial<Record<FieldName | 'row', string>>>;
  /** Errors about the zone itself (its name, TTL, SOA, a missing apex NS). */
  zoneErrors: string[];
}

const whole = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : Number.NaN);

/** The record a row stands for; fields it cannot parse are left as they are for the model to name. */
function toRecord(row: RecordRow): unknown {
  const base = { owner: row.owner.trim(), ...(row.ttl.trim() === '' ? {} : { ttl: whole(row.ttl) }) };
  const v = row.value.trim();
  const parts = v.split(/\s+/);
  switch (row.type) {
    case 'A':
    case 'AAAA':
      return { ...base, type: row.type, address: v };
    case 'NS':
    case 'CNAME':
    case 'PTR':
      return { ...base, type: row.type, target: v };
    case 'MX':
      return { ...base, type: 'MX', preference: whole(parts[0] ?? ''), exchange: parts[1] ?? '' };
    case 'SRV':
      return {
        ...base,
        type: 'SRV',
        priority: whole(parts[0] ?? ''),
        weight: whole(parts[1] ?? ''),
        port: whole(parts[2] ?? ''),
        target: parts[3] ?? '',
      };
    case 'TXT':
      return { ...base, type: 'TXT', strings: [v.replace(/^"(.*)"$/, '$1')] };
  }
}

/** The shape of the value cells that hold several fields, said before the model's per-field words. */
function shapeProblem(row: RecordRow): string | undefined {
  const v = row.value.trim();
  if (row.type === 'MX' && !/^\d+\s+\S+$/.test(v))
    return `an MX value is "preference exchange", such as ${valueHint.MX}`;
  if (row.type === 'SRV' && !/^\d+\s+\d+\s+\d+\s+\S+$/.test(v))
    return `an SRV value is "priority weight port target", such as ${valueHint.SRV}`;
  return undefined;
}

/** Which cell a model issue belongs to: the record's own fields map to the value cell. */
function fieldOf(field: PropertyKey | undefined): FieldName | 'row' {
  if (field === undefined) return 'row';
  if (field === 'owner' || field === 'ttl' || field === 'type') return field;
  return 'value';
}

/** A serial as admins write it (YYYYMMDDnn) for the day; the agent orders pushes by version, not by it. */
export const todaySerial = (now: Date) =>
  Number(
    `${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}${String(now.getUTCDate()).padStart(2, '0')}01`,
  );

/**
 * Checks a draft with the zone model (src-shared/config/zone.ts) and puts each issue under the cell it is
 * about, in the model's own words, so the table says exactly what `smt` and the agent would say.
 */
export function checkZoneDraft(draft: ZoneDraft, now: Date): ZoneCheck {
  const candidate = {
    name: draft.name.trim(),
    ttl: whole(draft.ttl),
    soa: {
      mname: draft.mname.trim(),
      rname: draft.rname.trim(),
      serial: todaySerial(now),
      refresh: 3600,
      retry: 600,
      expire: 1_209_600,
      minimum: 300,
    },
    records: draft.rows.map(toRecord),
  };
  const parsed = Zone.safeParse(candidate);
  const rowErrors: ZoneCheck['rowErrors'] = new Map();
  const zoneErrors: string[] = [];
  if (parsed.success) return { text: renderZone(parsed.data), rowErrors, zoneErrors };

  for (const row of draft.rows) {
    const shape = shapeProblem(row);
    if (shape) rowErrors.set(row.key, { value: shape });
  }
  for (const issue of parsed.error.issues) {
    const [top, index, field] = issue.path;
    const row = top === 'records' && typeof index === 'number' ? draft.rows[index] : undefined;
    if (!row) {
      const what = top === 'soa' ? `SOA ${String(index)}` : top === undefined ? 'zone' : String(top);
      zoneErrors.push(top === 'records' ? issue.message : `${what}: ${issue.message}`);
      continue;
    }
    const errs = rowErrors.get(row.key) ?? {};
    const cell = fieldOf(field);
    // The first issue per cell is the one to fix first; the rest follow once it is.
    errs[cell] ??= issue.message;
    rowErrors.set(row.key, errs);
  }
  return { text: null, rowErrors, zoneErrors };
}
