import {
  Alert,
  AlertRule,
  type AlertRuleKind,
  type AlertSeverity,
  type AlertState,
} from '../../../src-shared/ipc/alert-views';
import { z } from 'zod';
import { AuditStore } from './audit-store';
import type { Db } from './database';

interface AlertRow {
  seq: number;
  rule: string;
  subject: string;
  remote_id: string | null;
  severity: string;
  state: string;
  message: string;
  value: number | null;
  fired_at: number;
  acked_at: number | null;
  acked_by: string | null;
  comment: string | null;
  resolved_at: number | null;
}

export interface NewAlert {
  rule: AlertRuleKind;
  subject: string;
  remoteId: string | null;
  severity: AlertSeverity;
  message: string;
  value: number | null;
  at: number;
}

export interface AckResult {
  acknowledged: string[];
  refused: { id: string; reason: string }[];
}

/** Resolved alerts older than this are dropped: the history an admin scrolls, not an archive. */
export const RESOLVED_KEEP_MS = 90 * 86_400_000;

export const alertId = (seq: number) => `a-${seq}`;
const seqOf = (id: string): number | undefined => {
  const m = /^a-([0-9]{1,12})$/.exec(id);
  return m ? Number(m[1]) : undefined;
};

/** A row as the contract's Alert; a row that does not read back (hand-edited database) is skipped. */
function toAlert(r: AlertRow): Alert | undefined {
  const parsed = Alert.safeParse({
    id: alertId(r.seq),
    rule: r.rule,
    severity: r.severity,
    subject: r.subject,
    remoteId: r.remote_id,
    state: r.state,
    message: r.message,
    value: r.value,
    firedAt: r.fired_at,
    acknowledgedAt: r.acked_at,
    acknowledgedBy: r.acked_by,
    comment: r.comment,
    resolvedAt: r.resolved_at,
  });
  return parsed.success ? parsed.data : undefined;
}

/**
 * The profile's alerts and its alert rules (docs/alerts.md). One open alert per rule and subject (the
 * schema's unique index): firing, then maybe acknowledged, then resolved. Acknowledgements are audited in
 * the same transaction.
 */
export class AlertStore {
  private readonly audit: AuditStore;

  constructor(
    private readonly db: Db,
    profile = '',
  ) {
    this.audit = new AuditStore(db, profile);
  }

  /** Firing and acknowledged alerts: what the evaluator picks up again after a restart. */
  open(): Alert[] {
    return this.db
      .prepare<[], AlertRow>("SELECT * FROM alerts WHERE state != 'resolved' ORDER BY seq")
      .all()
      .flatMap((r) => toAlert(r) ?? []);
  }

  /** Newest first. */
  list(states: readonly AlertState[], limit: number): Alert[] {
    if (states.length === 0) return [];
    const marks = states.map(() => '?').join(', ');
    return this.db
      .prepare<unknown[], AlertRow>(
        `SELECT * FROM alerts WHERE state IN (${marks}) ORDER BY seq DESC LIMIT ?`,
      )
      .all(...states, limit)
      .flatMap((r) => toAlert(r) ?? []);
  }

  firingCount(): number {
    return (
      this.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM alerts WHERE state = 'firing'").get()
        ?.n ?? 0
    );
  }

  get(id: string): Alert | undefined {
    const seq = seqOf(id);
    if (seq === undefined) return undefined;
    const row = this.db.prepare<[number], AlertRow>('SELECT * FROM alerts WHERE seq = ?').get(seq);
    return row ? toAlert(row) : undefined;
  }

  /** A new firing alert; an open one of the same rule and subject is returned instead (another process raised it). */
  fire(a: NewAlert): { alert: Alert; created: boolean } {
    return this.db
      .transaction(() => {
        const existing = this.db
          .prepare<[string, string], AlertRow>(
            "SELECT * FROM alerts WHERE rule = ? AND subject = ? AND state != 'resolved'",
          )
          .get(a.rule, a.subject);
        if (existing) return { alert: toAlert(existing) as Alert, created: false };
        const info = this.db
          .prepare(
            `INSERT INTO alerts (rule, subject, remote_id, severity, state, message, value, fired_at)
             VALUES (?, ?, ?, ?, 'firing', ?, ?, ?)`,
          )
          .run(a.rule, a.subject, a.remoteId, a.severity, a.message, a.value, a.at);
        return { alert: this.get(alertId(Number(info.lastInsertRowid))) as Alert, created: true };
      })
      .immediate();
  }

  /** The open alert's last value and message. */
  update(id: string, value: number | null, message: string): void {
    const seq = seqOf(id);
    if (seq === undefined) return;
    this.db
      .prepare("UPDATE alerts SET value = ?, message = ? WHERE seq = ? AND state != 'resolved'")
      .run(value, message, seq);
  }

  /** Resolves the open alert; false when it was not open. Old resolved ones are dropped on the way. */
  resolve(id: string, at: number): boolean {
    const seq = seqOf(id);
    if (seq === undefined) return false;
    const changed = this.db
      .prepare("UPDATE alerts SET state = 'resolved', resolved_at = ? WHERE seq = ? AND state != 'resolved'")
      .run(at, seq).changes;
    this.db
      .prepare('DELETE FROM alerts WHERE resolved_at IS NOT NULL AND resolved_at < ?')
      .run(at - RESOLVED_KEEP_MS);
    return changed > 0;
  }

  /**
   * Acknowledges firing alerts, each with an audit entry (actor, comment), all in one transaction. An
   * unknown, already acknowledged or resolved id is refused with why; the others are acknowledged.
   */
  ack(
    ids: readonly string[],
    actor: string,
    comment: string | undefined,
    at: number,
    profile?: string,
  ): AckResult {
    const out: AckResult = { acknowledged: [], refused: [] };
    this.db
      .transaction(() => {
        for (const id of new Set(ids)) {
          const a = this.get(id);
          if (a === undefined) {
            out.refused.push({ id, reason: 'no such alert' });
            continue;
          }
          if (a.state !== 'firing') {
            out.refused.push({ id, reason: `already ${a.state}` });
            continue;
          }
          this.db
            .prepare(
              "UPDATE alerts SET state = 'acknowledged', acked_at = ?, acked_by = ?, comment = ? WHERE seq = ?",
            )
            .run(at, actor, comment ?? null, seqOf(id) as number);
          this.audit.record({
            at,
            actor,
            action: 'alert-ack',
            subject: id,
            detail: { rule: a.rule, subject: a.subject, ...(comment ? { comment } : {}) },
            ...(profile === undefined ? {} : { profile }),
          });
          out.acknowledged.push(id);
        }
      })
      .immediate();
    return out;
  }

  /** The rules as saved; undefined when none were (the defaults apply) or they no longer read back. */
  savedRules(): AlertRule[] | undefined {
    const row = this.db.prepare<[], { rules: string }>('SELECT rules FROM alert_rules WHERE id = 1').get();
    if (row === undefined) return undefined;
    try {
      const parsed = z.array(AlertRule).safeParse(JSON.parse(row.rules));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** Replaces the saved rules (already checked), audited. */
  saveRules(rules: readonly AlertRule[], actor: string, at: number, profile?: string): void {
    this.db
      .transaction(() => {
        this.db
          .prepare(
            `INSERT INTO alert_rules (id, rules, saved_at, saved_by) VALUES (1, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET rules = excluded.rules, saved_at = excluded.saved_at, saved_by = excluded.saved_by`,
          )
          .run(JSON.stringify(rules), at, actor);
        this.audit.record({
          at,
          actor,
          action: 'alert-rules',
          subject: 'alert rules',
          detail: { rules },
          ...(profile === undefined ? {} : { profile }),
        });
      })
      .immediate();
  }
}
