import { z } from 'zod';
import type { SelectableRemote } from '../../../src-shared/config/selector';
import { originOf } from '../../../src-shared/config/zone';
import { containingZone } from '../../../src-shared/config/zone-match';
import type { FindNameView, NameAnswer } from '../../../src-shared/ipc/dns-views';
import type { ObjectsView } from '../../../src-shared/ipc/inventory-views';
import type { LookupRrtype } from '../../../src-shared/protocol';
import { errorText } from '../../../src-shared/util/error-text';
import { mapBounded } from '../../../src-shared/util/map-bounded';

/** At most this many `lookup` queries wait at once, as for inventory refreshes. */
const LOOKUP_CONCURRENCY = 16;

/** The data of a reply to the `lookup` query (src-agent/agent/requests.ts). */
const LookupReply = z.object({ answers: z.array(z.string().max(70_000)).max(10_000) });

export interface FindNameDeps {
  remotes(): readonly Pick<SelectableRemote, 'id' | 'capabilities' | 'status'>[];
  objects(): ObjectsView;
  /** The remote's `lookup` reply data; throws with the reason an admin reads when it cannot answer. */
  lookup(remoteId: string, name: string, rrtype: LookupRrtype): Promise<unknown>;
  now(): number;
}

/** Per remote, the zones its last served inventory lists; a remote absent here sent no inventory yet. */
function servedZones(view: ObjectsView): Map<string, string[]> {
  const zones = new Map<string, string[]>();
  for (const o of view.objects) {
    for (const r of o.remotes) {
      if (r.reportedAt === null) continue;
      const list = zones.get(r.remoteId) ?? [];
      if (o.object.kind === 'zone' && r.servedSha256 !== null) list.push(o.object.name);
      zones.set(r.remoteId, list);
    }
  }
  return zones;
}

const answerKey = (answers: readonly string[]) => JSON.stringify(answers);

/**
 * Marks the answering remotes whose answer set is not the most common one. A tie has no majority: every
 * answering remote differs then, so an admin looks at each rather than trusting an arbitrary winner.
 */
function markDifferences(rows: NameAnswer[]): { rows: NameAnswer[]; distinct: number } {
  const counts = new Map<string, number>();
  for (const r of rows)
    if (r.state === 'answered') counts.set(answerKey(r.answers), (counts.get(answerKey(r.answers)) ?? 0) + 1);
  const ranked = [...counts.values()].sort((a, b) => b - a);
  const top = ranked[0] ?? 0;
  const tie = ranked.length > 1 && ranked[1] === top;
  const majority = tie ? undefined : [...counts].find(([, n]) => n === top)?.[0];
  return {
    rows: rows.map((r) =>
      r.state === 'answered' ? { ...r, differs: counts.size > 1 && answerKey(r.answers) !== majority } : r,
    ),
    distinct: counts.size,
  };
}

/**
 * Find a name across the fleet (docs/dns.md): every DNS remote whose served inventory has a zone holding
 * the name (or that sent no inventory yet) is asked what its named answers, a bounded number at once;
 * offline ones are listed, not asked. The name is validated before (FindNameQuery): nothing is sent for
 * a malformed one.
 */
export async function findName(
  deps: FindNameDeps,
  query: { name: string; rrtype: LookupRrtype },
): Promise<FindNameView> {
  const name = originOf(query.name);
  const served = servedZones(deps.objects());
  const candidates: { id: string; status: SelectableRemote['status']; zone: string | null }[] = [];
  let notServing = 0;
  for (const r of [...deps.remotes()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (!r.capabilities.includes('dns')) continue;
    const zones = served.get(r.id);
    const zone = zones === undefined ? null : (containingZone(name, zones) ?? undefined);
    if (zone === undefined) notServing++;
    else candidates.push({ id: r.id, status: r.status, zone });
  }
  const rows = await mapBounded(candidates, LOOKUP_CONCURRENCY, async (c): Promise<NameAnswer> => {
    if (c.status !== 'online') return { remoteId: c.id, state: 'not-asked', zone: c.zone, status: c.status };
    try {
      const reply = LookupReply.safeParse(await deps.lookup(c.id, name, query.rrtype));
      if (!reply.success) {
        return {
          remoteId: c.id,
          state: 'failed',
          zone: c.zone,
          reason: 'its answer is not a lookup result; update its agent',
        };
      }
      const answers = [...reply.data.answers].sort();
      return { remoteId: c.id, state: 'answered', zone: c.zone, answers, differs: false };
    } catch (e) {
      return { remoteId: c.id, state: 'failed', zone: c.zone, reason: errorText(e) };
    }
  });
  const marked = markDifferences(rows);
  return {
    name,
    rrtype: query.rrtype,
    askedAt: deps.now(),
    remotes: marked.rows,
    notServing,
    distinctAnswers: marked.distinct,
  };
}
