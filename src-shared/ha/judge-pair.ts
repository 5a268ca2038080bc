import type { HaRelationship } from '../protocol';
import type { HaPairView, HaSideView, HaVerdict } from '../ipc/ha-views';

/**
 * Pairs the sides of Kea HA relationships reported by the fleet and judges each pair. Pure: the HA
 * tracker (src-main/core/ha) gives it the latest side per remote; the Remote screen and the `ha-partner`
 * alert read its verdicts.
 *
 * Two remotes are one pair when their HA hooks list the same peers (names and URLs: Kea requires the same
 * peers list on every server of a relationship, and the URLs keep apart two pairs that both kept Kea's
 * example names server1 / server2).
 */

/** States in which the pair serves as designed. */
const STEADY = new Set(['hot-standby', 'load-balancing', 'passive-backup', 'backup']);

export const haPairKey = (r: HaRelationship): string =>
  [...r.peers]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => `${p.name}=${p.url}`)
    .join(' ');

const pairName = (r: HaRelationship): string =>
  [...r.peers.map((p) => p.name)].sort().join(' + ') || r.server.name;

interface Judgement {
  verdict: HaVerdict;
  detail: string;
  remoteId: string;
}

const who = (s: HaSideView & { relationship: HaRelationship }) =>
  `${s.relationship.server.name} (${s.remoteId})`;

/** The verdict on one pair's sides (one or two, or more when a config is wrong); sides is not empty. */
export function judgeHaPair(sides: readonly HaSideView[]): Judgement {
  const first = sides[0]?.remoteId ?? '';
  const fresh = sides.filter((s) => !s.stale);
  if (fresh.length === 0)
    return { verdict: 'unknown', detail: 'no recent report from either side', remoteId: first };
  const readable = fresh.filter(
    (s): s is HaSideView & { relationship: HaRelationship } =>
      s.unreadable === undefined && s.relationship !== undefined,
  );
  // Which remote a server name belongs to, so a partner-down alert names the remote that is down.
  const remoteOf = (name: string) => sides.find((s) => s.relationship?.server.name === name)?.remoteId;

  const seen = new Map<string, string>();
  for (const s of readable) {
    const other = seen.get(s.relationship.server.name);
    if (other !== undefined)
      return {
        verdict: 'disagree',
        detail: `${other} and ${s.remoteId} both report being ${s.relationship.server.name}`,
        remoteId: s.remoteId,
      };
    seen.set(s.relationship.server.name, s.remoteId);
  }

  const [a, b] = readable;
  if (a !== undefined && b !== undefined) {
    const ra = a.relationship;
    const rb = b.relationship;
    const disagree = (detail: string): Judgement => ({ verdict: 'disagree', detail, remoteId: a.remoteId });
    if (ra.mode !== rb.mode) return disagree(`${who(a)} runs ${ra.mode}, ${who(b)} runs ${rb.mode}`);
    if (ra.server.role === rb.server.role && ra.server.role !== 'backup')
      return disagree(`${who(a)} and ${who(b)} are both ${ra.server.role}`);
    const shared = ra.server.scopes.filter((scope) => rb.server.scopes.includes(scope));
    if (shared.length > 0) return disagree(`${who(a)} and ${who(b)} both serve scope ${shared.join(', ')}`);
  }

  for (const s of readable) {
    const { server, partner } = s.relationship;
    const down = (why: string): Judgement => ({
      verdict: 'partner-down',
      detail: `${who(s)} ${why}`,
      remoteId: (partner && remoteOf(partner.name)) ?? s.remoteId,
    });
    const since = partner ? ` (last heartbeat ${partner.ageS} s ago)` : '';
    if (server.state === 'partner-down')
      return down(`is in partner-down state: its partner ${partner?.name ?? ''} is not answering${since}`);
    if (partner?.communicationInterrupted) return down(`lost communication with ${partner.name}${since}`);
    if (partner?.lastState === 'unavailable') return down(`reports ${partner.name} unavailable${since}`);
  }
  for (const s of readable) {
    const { server } = s.relationship;
    if (server.state === 'terminated')
      return {
        verdict: 'disagree',
        detail: `${who(s)} terminated HA (Kea stops HA when the servers' clocks differ too much)`,
        remoteId: s.remoteId,
      };
  }

  const unreadable = fresh.find((s) => s.unreadable !== undefined);
  if (unreadable !== undefined) {
    const name = unreadable.relationship?.server.name;
    return {
      verdict: 'unknown',
      detail: `${name ? `${name} (${unreadable.remoteId})` : unreadable.remoteId}: Kea's HA status cannot be read: ${unreadable.unreadable ?? ''}`,
      remoteId: unreadable.remoteId,
    };
  }

  for (const s of readable) {
    const { server } = s.relationship;
    if (!STEADY.has(server.state))
      return { verdict: 'transition', detail: `${who(s)} is in ${server.state} state`, remoteId: s.remoteId };
  }
  // A backup server's state is `backup` whatever its primary's: only two active servers must agree.
  const active = (s: { relationship: HaRelationship }) => s.relationship.server.role !== 'backup';
  if (
    a !== undefined &&
    b !== undefined &&
    active(a) &&
    active(b) &&
    a.relationship.server.state !== b.relationship.server.state
  )
    return {
      verdict: 'disagree',
      detail: `${who(a)} is in ${a.relationship.server.state} state, ${who(b)} in ${b.relationship.server.state}`,
      remoteId: a.remoteId,
    };

  const stale = sides.find((s) => s.stale);
  if (stale !== undefined)
    return {
      verdict: 'unknown',
      detail: `no recent report from ${stale.relationship ? `${stale.relationship.server.name} ` : ''}(${stale.remoteId})`,
      remoteId: stale.remoteId,
    };

  const states = readable.map(
    (s) => `${who(s)} ${s.relationship.server.role} ${s.relationship.server.state}`,
  );
  return { verdict: 'healthy', detail: states.join(', '), remoteId: first };
}

/**
 * Every remote's side grouped into pairs and judged. A remote whose Kea was never readable has no peers
 * to pair by: it stands alone, judged unknown. Sides are ordered by server name, pairs by name.
 */
export function pairHaSides(sides: readonly HaSideView[]): HaPairView[] {
  const groups = new Map<string, HaSideView[]>();
  for (const s of sides) {
    const key = s.relationship ? haPairKey(s.relationship) : `remote:${s.remoteId}`;
    const list = groups.get(key) ?? [];
    list.push(s);
    groups.set(key, list);
  }
  const pairs: HaPairView[] = [];
  for (const [key, group] of groups) {
    group.sort((x, y) => {
      const nx = x.relationship?.server.name ?? x.remoteId;
      const ny = y.relationship?.server.name ?? y.remoteId;
      return nx < ny ? -1 : nx > ny ? 1 : 0;
    });
    const r = group.find((s) => s.relationship)?.relationship;
    const j = judgeHaPair(group);
    pairs.push({
      key,
      name: r ? pairName(r) : (group[0]?.remoteId ?? key),
      ...(r ? { mode: r.mode } : {}),
      sides: group,
      ...j,
    });
  }
  return pairs.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}
