import { randomBytes } from 'node:crypto';
import { sha256 } from '../../src-node/crypto/sha256';
import { watch as watchDir, type FSWatcher } from 'node:fs';
import { copyFile, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { zoneKey } from '../../src-shared/config/object-key';
import { serialAfter } from '../../src-shared/config/zone-serial';
import { digShort, servedSerial, type DnsServer } from './dns-query';
import { OneAtATime } from './one-at-a-time';
import { runTool, toolMessage, type ToolResult } from './run-tool';
import { errorText } from '../../src-shared/util/error-text';
import { mapBounded } from '../../src-shared/util/map-bounded';
import { NotServedError, type ApplyOutcome, type DnsTarget, type ServedZoneEntry } from './types';

/** How the agent reaches one BIND 9 (validated by the agent's config schema before it gets here). */
export interface BindSettings {
  /** Absolute directory the agent installs zone files into (`<zone>.zone`, previous one as `.last-good`). */
  zoneDir: string;
  /** Where named answers queries: the serial confirmation and lookups ask here. */
  queryAddress: string;
  queryPort: number;
  /** rndc's own config file (key, default server and port): `rndc -c`. */
  rndcConf?: string;
  /** Or the pieces: `rndc -k <keyFile> -s <server> -p <port>`. */
  rndcKeyFile?: string;
  rndcServer?: string;
  rndcPort?: number;
  /** Program paths; default to the names on PATH. */
  rndc?: string;
  namedCheckzone?: string;
  dig?: string;
  /** Base URL of BIND's statistics-channels (`http://127.0.0.1:8053`), for usage(). */
  statisticsUrl?: string;
  /** Per tool run; default 10 s. */
  timeoutMs?: number;
  /** How long to wait for named to serve a new serial after rndc; default 5 s. */
  confirmTimeoutMs?: number;
}

/**
 * After a zone file changes, named may load it later (an admin edits, then runs rndc reload): the watch
 * signals again at these delays, and the inventory asks named for the serial of a recently changed file
 * each time, so the new serial is noticed without polling named the rest of the time.
 */
export const SETTLE_DELAYS_MS = [1_000, 5_000, 20_000, 60_000] as const;
const SETTLE_WINDOW_MS = 90_000;
const WATCH_DEBOUNCE_MS = 200;

/** The part of BIND's `/json/v1/zones` the inventory reads. */
const StatisticsZones = z.object({
  views: z.record(
    z.string(),
    z.object({
      zones: z
        .array(z.looseObject({ name: z.string(), class: z.string(), type: z.string(), serial: z.number() }))
        .default([]),
    }),
  ),
});
/** Zones named serves data for: not its automatic empty zones ("builtin") or forward / stub zones. */
const SERVED_TYPES = new Set(['primary', 'secondary', 'master', 'slave']);

/** A zone file as the inventory last read it: re-read only when its stat changes. */
interface ZoneFileMark {
  stamp: string;
  sha256: string;
  serial: number | undefined;
  changedAt: number;
}

/** `<zone>.zone`, not the agent's own `.…tmp` files or `.last-good` copies. */
export const zoneOfFile = (file: string): string | undefined =>
  file.startsWith('.') || !file.endsWith('.zone') ? undefined : normalizeZoneName(file.slice(0, -5));

const ZONE_NAME = /^(?=.{1,253}$)([a-z0-9_-]{1,63}\.)*[a-z0-9_-]{1,63}$/;

/** Lower-case, without the trailing dot; undefined for anything that is not a plain zone name. */
export function normalizeZoneName(name: string): string | undefined {
  const n = zoneKey(name);
  return ZONE_NAME.test(n) ? n : undefined;
}

async function readOrUndefined(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Written and synced before the rename, so a crash leaves either the old file or the whole new one. */
async function writeSynced(path: string, data: string): Promise<void> {
  const handle = await open(path, 'w', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** What a proven rollback left served, in the words of the reason. */
const restoredWhat = (zone: string, servedBefore: number | undefined) =>
  servedBefore === undefined
    ? `named does not serve ${zone}, as before`
    : `named serves serial ${servedBefore} again`;

/** Drives one BIND 9 with named-checkzone, rndc and direct queries. */
export class BindTarget implements DnsTarget {
  private readonly queue = new OneAtATime();
  private readonly timeoutMs: number;
  private readonly dns: DnsServer;
  private readonly marks = new Map<string, ZoneFileMark>();

  constructor(private readonly settings: BindSettings) {
    // The zone file path goes inside the quoted `file "..."` of an rndc addzone statement.
    if (!isAbsolute(settings.zoneDir) || /["\\;{}\s]/.test(settings.zoneDir)) {
      throw new Error(
        `zoneDir must be an absolute path without quotes, braces, semicolons or spaces: ${settings.zoneDir}`,
      );
    }
    this.timeoutMs = settings.timeoutMs ?? 10_000;
    this.dns = {
      address: settings.queryAddress,
      port: settings.queryPort,
      dig: settings.dig,
      timeoutMs: Math.min(this.timeoutMs, 4000),
    };
  }

  upsertZone(name: string, zoneText: string): Promise<ApplyOutcome> {
    const zone = normalizeZoneName(name);
    if (zone === undefined)
      return Promise.resolve({ ok: false, reason: `'${name}' is not a valid zone name` });
    return this.queue.run(() => this.upsert(zone, zoneText));
  }

  deleteZone(name: string): Promise<ApplyOutcome> {
    const zone = normalizeZoneName(name);
    if (zone === undefined)
      return Promise.resolve({ ok: false, reason: `'${name}' is not a valid zone name` });
    return this.queue.run(() => this.delete(zone));
  }

  async servedZone(name: string): Promise<string> {
    const zone = normalizeZoneName(name);
    if (zone === undefined) throw new Error(`'${name}' is not a valid zone name`);
    const text = await readOrUndefined(this.zoneFile(zone));
    if (text === undefined) throw new NotServedError(`zone ${zone} is not managed by this agent`);
    return text.toString('utf8');
  }

  lookup(name: string, rrtype: string): Promise<string[]> {
    return digShort(this.dns, name, rrtype);
  }

  async reload(): Promise<void> {
    await this.rndcOrThrow(['reload']);
  }

  async flushCache(): Promise<void> {
    await this.rndcOrThrow(['flush']);
  }

  /** `opcodes.QUERY` from the statistics channel: every query named received since it started. */
  async usage(): Promise<{ queries: number } | undefined> {
    if (this.settings.statisticsUrl === undefined) return undefined;
    const url = `${this.settings.statisticsUrl.replace(/\/$/, '')}/json/v1/server`;
    const res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new Error(`BIND statistics ${url}: HTTP ${res.status}`);
    const body = (await res.json()) as { opcodes?: { QUERY?: unknown } };
    const queries = body.opcodes?.QUERY ?? 0;
    if (typeof queries !== 'number') throw new Error('BIND statistics: opcodes.QUERY is not a number');
    return { queries };
  }

  /**
   * Every `<zone>.zone` in the zone directory (exactly what servedZone reads), with the serial named
   * answers. A file is re-read only when its stat changed, and named asked only for a zone whose file
   * changed in the last SETTLE_WINDOW_MS or that it did not answer for: an idle inventory costs a readdir
   * and a stat per zone.
   */
  async inventory(): Promise<ServedZoneEntry[]> {
    const files = await readdir(this.settings.zoneDir);
    const zones = [...new Set(files.flatMap((f) => zoneOfFile(f) ?? []))].sort();
    const now = Date.now();
    for (const known of this.marks.keys()) if (!zones.includes(known)) this.marks.delete(known);
    const read = await mapBounded(zones, 8, async (zone): Promise<ServedZoneEntry | undefined> => {
      const file = this.zoneFile(zone);
      const st = await stat(file).catch(() => undefined);
      if (st === undefined) return undefined;
      const stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
      let mark = this.marks.get(zone);
      if (mark === undefined || mark.stamp !== stamp) {
        const text = await readOrUndefined(file);
        if (text === undefined) return undefined;
        mark = { stamp, sha256: sha256(text), serial: undefined, changedAt: now };
        this.marks.set(zone, mark);
        mark.serial = await servedSerial(this.dns, zone).catch(() => undefined);
      } else if (mark.serial === undefined || now - mark.changedAt < SETTLE_WINDOW_MS) {
        mark.serial = await servedSerial(this.dns, zone).catch(() => undefined);
      }
      return {
        name: zone,
        sha256: mark.sha256,
        ...(mark.serial !== undefined ? { serial: mark.serial } : {}),
      };
    });
    const fromFiles = read.filter((z): z is ServedZoneEntry => z !== undefined);
    const listed = new Set(fromFiles.map((z) => z.name));
    const others = (await this.statisticsZones()).filter((z) => !listed.has(z.name));
    return [...fromFiles, ...others];
  }

  /**
   * Zones named serves from files of its own (named.conf), from the statistics channel when it is
   * configured: their text is not the agent's to read (sha256 null), their serial is the loaded one. One
   * HTTP request per inventory; a channel that does not answer makes named unreadable, not its zones gone.
   */
  private async statisticsZones(): Promise<ServedZoneEntry[]> {
    if (this.settings.statisticsUrl === undefined) return [];
    const url = `${this.settings.statisticsUrl.replace(/\/$/, '')}/json/v1/zones`;
    const res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new Error(`BIND statistics ${url}: HTTP ${res.status}`);
    const parsed = StatisticsZones.safeParse(await res.json());
    if (!parsed.success) throw new Error(`BIND statistics ${url}: not a zones document`);
    const out = new Map<string, ServedZoneEntry>();
    for (const [view, { zones }] of Object.entries(parsed.data.views)) {
      if (view === '_bind') continue; // named's own CHAOS zones (version.bind and the like)
      for (const zone of zones) {
        const name = normalizeZoneName(zone.name);
        if (name === undefined || zone.class !== 'IN' || !SERVED_TYPES.has(zone.type) || out.has(name))
          continue;
        const serial = zone.serial >= 0 && zone.serial < 2 ** 32 ? { serial: zone.serial } : {};
        out.set(name, { name, sha256: null, ...serial });
      }
    }
    return [...out.values()];
  }

  /**
   * inotify on the zone directory, debounced: a file written by hand (or by this agent) signals once,
   * then again at SETTLE_DELAYS_MS for the rndc reload that may follow. Named itself is never polled.
   */
  watch(onChange: () => void): () => void {
    let watcher: FSWatcher;
    try {
      watcher = watchDir(this.settings.zoneDir, { persistent: false });
    } catch {
      // No zone directory yet: nothing is served from it; the inventory says what it can read.
      return () => undefined;
    }
    let debounce: NodeJS.Timeout | undefined;
    const settle: NodeJS.Timeout[] = [];
    const clear = () => {
      clearTimeout(debounce);
      settle.splice(0).forEach(clearTimeout);
    };
    watcher.on('change', (_event, file) => {
      if (typeof file === 'string' && zoneOfFile(file) === undefined) return;
      clear();
      debounce = setTimeout(onChange, WATCH_DEBOUNCE_MS);
      for (const ms of SETTLE_DELAYS_MS) settle.push(setTimeout(onChange, ms));
    });
    watcher.on('error', () => undefined);
    return () => {
      clear();
      watcher.close();
    };
  }

  private zoneFile(zone: string): string {
    return join(this.settings.zoneDir, `${zone}.zone`);
  }

  private async upsert(zone: string, text: string): Promise<ApplyOutcome> {
    const file = this.zoneFile(zone);
    const lastGood = `${file}.last-good`;
    const tmp = join(this.settings.zoneDir, `.${zone}.${randomBytes(4).toString('hex')}.tmp`);
    let installed = false;
    try {
      // Inside the try: a write that fails on a full disk leaves no temp file taking space.
      await writeSynced(tmp, text);
      const check = await runTool(
        this.settings.namedCheckzone ?? 'named-checkzone',
        [zone, tmp],
        this.timeoutMs,
      );
      // named-checkzone reports on stdout; its own words are the reason the admin sees.
      if (check.code !== 0)
        return { ok: false, reason: (check.stdout + check.stderr).trim() || toolMessage(check) };
      const serial = /loaded serial (\d+)/.exec(check.stdout)?.[1];
      if (serial === undefined)
        return { ok: false, reason: `named-checkzone gave no serial: ${check.stdout.trim()}` };
      const newSerial = Number(serial);

      const existing = await this.configuredFile(zone);
      if (existing !== undefined && existing !== file) {
        return {
          ok: false,
          reason: `zone ${zone} is configured in named with file ${existing}, not by this agent; remove it there first`,
        };
      }
      const isNew = existing === undefined;
      const previous = await readOrUndefined(file);
      if (!isNew && previous !== undefined && previous.equals(Buffer.from(text))) {
        // A resend of what is installed: nothing to load, only confirm it is what named serves.
        const served = await servedSerial(this.dns, zone);
        if (served === newSerial) return { ok: true, sha256: sha256(previous), detail: 'unchanged' };
      }
      // What named serves before the change: a rollback must bring this serial back.
      const servedBefore = isNew ? undefined : await servedSerial(this.dns, zone);
      if (servedBefore !== undefined && !serialAfter(newSerial, servedBefore)) {
        return {
          ok: false,
          reason: `zone ${zone}: serial ${newSerial} is not later than the served serial ${servedBefore}; secondaries would not transfer the change`,
        };
      }

      if (previous !== undefined) await copyFile(file, lastGood);
      await rename(tmp, file);
      installed = true;
      await syncDir(this.settings.zoneDir);

      const load = isNew
        ? await this.rndc(['addzone', zone, `{ type primary; file "${file}"; };`])
        : await this.rndc(['reload', zone]);
      // rndc refused the load, so named never served the new zone: failed, not rolled back.
      if (load.code !== 0) {
        const undone = await this.rollback(zone, isNew, previous !== undefined, false).then(
          () => '',
          (e: unknown) => `; restoring the previous zone file failed: ${errorText(e)}`,
        );
        return { ok: false, reason: toolMessage(load) + undone };
      }
      const confirmed = await this.awaitSerial(zone, newSerial);
      if (confirmed !== true) {
        const why = `named did not serve serial ${newSerial} for ${zone} within ${this.confirmMs()} ms (served: ${confirmed ?? 'nothing'})`;
        const undone = await this.rollback(zone, isNew, previous !== undefined, true).then(
          () => this.provePrevious(zone, servedBefore),
          (e: unknown) => `restoring the previous zone failed: ${errorText(e)}`,
        );
        return undone === undefined
          ? {
              ok: false,
              rolledBack: true,
              reason: `${why}; the previous zone was restored: ${restoredWhat(zone, servedBefore)}`,
            }
          : { ok: false, reason: `${why}; ${undone}` };
      }
      return { ok: true, sha256: sha256(text), detail: `serial ${newSerial} served` };
    } finally {
      if (!installed) await unlink(tmp).catch(() => undefined);
    }
  }

  /**
   * Puts back what was served before: the last good file reloaded, or the new zone removed again. Throws
   * when rndc refuses, for the caller to report with the reason the change failed.
   */
  private async rollback(zone: string, isNew: boolean, hadPrevious: boolean, added: boolean): Promise<void> {
    const file = this.zoneFile(zone);
    if (isNew) {
      if (added) await this.rndcOrThrow(['delzone', zone]);
      if (hadPrevious) await copyFile(`${file}.last-good`, file);
      else await unlink(file).catch(() => undefined);
      return;
    }
    if (hadPrevious) {
      await copyFile(`${file}.last-good`, file);
      await this.rndcOrThrow(['reload', zone]);
    }
  }

  /**
   * Asks named, as any resolver would, whether it serves what it served before the change: the old
   * serial, or no answer for a zone that was new. Undefined when it does; else why not.
   */
  private async provePrevious(zone: string, servedBefore: number | undefined): Promise<string | undefined> {
    if (servedBefore !== undefined) {
      const seen = await this.awaitSerial(zone, servedBefore);
      return seen === true
        ? undefined
        : `after restoring, named serves serial ${seen ?? 'nothing'} for ${zone}, not the previous ${servedBefore}`;
    }
    const seen = await servedSerial(this.dns, zone).catch(() => undefined);
    return seen === undefined ? undefined : `after removing ${zone} again, named still serves serial ${seen}`;
  }

  private async delete(zone: string): Promise<ApplyOutcome> {
    const existing = await this.configuredFile(zone);
    if (existing === undefined) return { ok: false, reason: `zone ${zone} is not served by this named` };
    const r = await this.rndc(['delzone', zone]);
    if (r.code !== 0) return { ok: false, reason: toolMessage(r) };
    const file = this.zoneFile(zone);
    await unlink(file).catch(() => undefined);
    await unlink(`${file}.last-good`).catch(() => undefined);
    return { ok: true, sha256: sha256(''), detail: `zone ${zone} deleted` };
  }

  /** The file named loads the zone from, or undefined when named has no such zone. */
  private async configuredFile(zone: string): Promise<string | undefined> {
    const r = await this.rndc(['showzone', zone]);
    if (r.code !== 0) {
      if (/not found/.test(r.stderr)) return undefined;
      throw new Error(`rndc showzone ${zone}: ${toolMessage(r)}`);
    }
    return /file "([^"]*)"/.exec(r.stdout)?.[1] ?? '';
  }

  private confirmMs(): number {
    return this.settings.confirmTimeoutMs ?? 5000;
  }

  /** True once named serves `serial`, else the last serial seen when the time is up. */
  private async awaitSerial(zone: string, serial: number): Promise<true | number | undefined> {
    const deadline = Date.now() + this.confirmMs();
    let seen: number | undefined;
    for (;;) {
      seen = await servedSerial(this.dns, zone).catch(() => undefined);
      if (seen === serial) return true;
      if (Date.now() > deadline) return seen;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private rndc(args: string[]): Promise<ToolResult> {
    const s = this.settings;
    const base = [
      ...(s.rndcConf !== undefined ? ['-c', s.rndcConf] : []),
      ...(s.rndcKeyFile !== undefined ? ['-k', s.rndcKeyFile] : []),
      ...(s.rndcServer !== undefined ? ['-s', s.rndcServer] : []),
      ...(s.rndcPort !== undefined ? ['-p', String(s.rndcPort)] : []),
    ];
    return runTool(s.rndc ?? 'rndc', [...base, ...args], this.timeoutMs);
  }

  private async rndcOrThrow(args: string[]): Promise<void> {
    const r = await this.rndc(args);
    if (r.code !== 0) throw new Error(`rndc ${args.join(' ')}: ${toolMessage(r)}`);
  }
}
