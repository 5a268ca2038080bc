import { diffLines } from '../../../src-shared/config/line-diff';
import { parseSelector } from '../../../src-shared/config/selector';
import { draftPayload, payloadText } from '../../../src-shared/drafts/draft-content';
import type { Draft, DraftCheck, DraftCheckEntry, DraftDiff } from '../../../src-shared/ipc/draft-views';
import type { PreviewEntry } from '../../../src-shared/push/preview';
import { previewPush, type PreviewOptions, type PreviewPort } from '../push/preview';
import type { ObjectRef, PushRecord } from '../store/push-store';
import { errorText } from '../../../src-shared/util/error-text';

export interface CheckPort extends PreviewPort {
  /** PushStore.pushAt: the push that carried a version, when this profile made it. */
  pushAt(object: ObjectRef, version: number): PushRecord | undefined;
}

/** Why a draft cannot be checked: it has problems, or its targets do not parse. */
export class DraftNotCheckable extends Error {
  override name = 'DraftNotCheckable';
}

const diffOf = (before: string, after: string): DraftDiff => {
  const { hunks, added, removed, exact } = diffLines(before, after);
  return { hunks, added, removed, exact };
};

/**
 * Asks each of the draft's targets what it serves now (previewPush, so exactly what a push preview asks)
 * and names a conflict wherever the served version moved past the draft's base: a push of the draft would
 * overwrite a change the draft never saw. A remote that already serves what the draft proposes is current.
 */
export async function checkDraft(
  draft: Draft,
  port: CheckPort,
  now: number,
  options: PreviewOptions = {},
): Promise<DraftCheck> {
  const payload = draftPayload(draft.content);
  if (payload === undefined || draft.problems.length > 0) {
    const first = draft.problems[0];
    throw new DraftNotCheckable(
      `The draft has ${draft.problems.length} problem(s)${first ? ` (first: ${first.path}: ${first.message})` : ''}; fix them, then check again.`,
    );
  }
  let selector;
  try {
    selector = parseSelector(draft.targets);
  } catch (e) {
    throw new DraftNotCheckable(
      `The draft's targets "${draft.targets}" do not name remotes (${errorText(e)}); set them, then check again.`,
    );
  }
  const preview = await previewPush({ object: draft.object, op: 'upsert', payload, selector }, port, options);
  const overwrite = new Map(preview.diffs.map((d) => [d.servedSha256, d]));
  const servedText = new Map<number, string | null>();
  const textAt = (version: number): string | null => {
    if (!servedText.has(version)) {
      const push = port.pushAt(draft.object, version);
      servedText.set(
        version,
        push === undefined ? null : push.payload === undefined ? '' : payloadText(push.payload),
      );
    }
    return servedText.get(version) ?? null;
  };

  const entry = (e: PreviewEntry): DraftCheckEntry => {
    const base = { remote: e.remote, servedVersion: e.servedVersion, sinceBase: null, overwrite: null };
    if (e.status === 'unreachable' || e.status === 'error') {
      return { ...base, status: e.status, ...(e.reason === undefined ? {} : { reason: e.reason }) };
    }
    const moved = e.servedVersion !== null && e.servedVersion > draft.base.version;
    if (!moved) return { ...base, status: e.status === 'new' ? 'not-served' : 'current' };
    if (e.status === 'unchanged') {
      return { ...base, status: 'current', reason: 'it already serves exactly what the draft proposes' };
    }
    const served = textAt(e.servedVersion as number);
    const d = e.diff === null ? undefined : overwrite.get(e.diff);
    return {
      ...base,
      status: 'conflict',
      reason: `the draft was based on ${draft.base.version === 0 ? 'no pushed version' : `version ${draft.base.version}`}`,
      sinceBase: draft.base.text !== null && served !== null ? diffOf(draft.base.text, served) : null,
      overwrite: d ? { hunks: d.hunks, added: d.added, removed: d.removed, exact: d.exact } : null,
    };
  };
  const remotes = preview.remotes.map(entry);
  return {
    draftId: draft.id,
    baseVersion: draft.base.version,
    checkedAt: now,
    remotes,
    conflicts: remotes.filter((r) => r.status === 'conflict').length,
    unknown: preview.unknown,
  };
}
