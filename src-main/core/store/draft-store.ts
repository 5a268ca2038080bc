import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { draftProblems } from '../../../src-shared/drafts/draft-content';
import { Draft, DraftBase, DraftContent, type DraftSummary } from '../../../src-shared/ipc/draft-views';
import { ConfigObject } from '../../../src-shared/protocol';
import type { Db } from './database';
import { StoreCorruptError } from './push-store';

const Row = z.object({
  id: z.string(),
  name: z.string(),
  object: z.string(),
  content: z.string(),
  targets: z.string(),
  base: z.string(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
  author: z.string(),
});
type Row = z.infer<typeof Row>;

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A row read back through the schemas; its problems are judged again, by today's models. */
function readDraft(raw: unknown): Draft | string {
  const row = Row.safeParse(raw);
  if (!row.success) return `a draft row does not read back: ${row.error.issues[0]?.message ?? ''}`;
  const r = row.data;
  const object = ConfigObject.safeParse(json(r.object));
  const content = DraftContent.safeParse(json(r.content));
  const base = DraftBase.safeParse(json(r.base));
  if (!object.success || !content.success || !base.success) {
    const which = [!object.success && 'object', !content.success && 'content', !base.success && 'base']
      .filter(Boolean)
      .join(', ');
    return `draft ${r.id} ("${r.name}") does not read back: its ${which} is not what a draft holds`;
  }
  const draft = Draft.safeParse({
    id: r.id,
    name: r.name,
    object: object.data,
    content: content.data,
    targets: r.targets,
    base: base.data,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    author: r.author,
    problems: draftProblems(object.data, content.data),
  });
  return draft.success
    ? draft.data
    : `draft ${r.id} does not read back: ${draft.error.issues[0]?.message ?? ''}`;
}

export const newDraftId = () => `d-${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

/** Drafts of zones and scopes in one profile's database; nothing here needs a broker. */
export class DraftStore {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      all: db.prepare<[], Row>('SELECT * FROM drafts ORDER BY updated_at DESC, id'),
      one: db.prepare<[string], Row>('SELECT * FROM drafts WHERE id = ?'),
      insert: db.prepare(
        `INSERT INTO drafts (id, name, object, content, targets, base, created_at, updated_at, author)
         VALUES (@id, @name, @object, @content, @targets, @base, @created_at, @updated_at, @author)`,
      ),
      update: db.prepare(
        `UPDATE drafts SET name = @name, object = @object, content = @content, targets = @targets,
           base = @base, updated_at = @updated_at WHERE id = @id`,
      ),
      remove: db.prepare<[string]>('DELETE FROM drafts WHERE id = ?'),
    };
  }

  /** Newest first. A row that does not read back is left out and counted (its id named), never half-shown. */
  list(): { drafts: DraftSummary[]; corrupt: string[] } {
    const drafts: DraftSummary[] = [];
    const corrupt: string[] = [];
    for (const raw of this.q.all.all()) {
      const d = readDraft(raw);
      if (typeof d === 'string') {
        corrupt.push(d);
        continue;
      }
      const { content, problems, ...rest } = d;
      drafts.push({ ...rest, format: content.format, problems: problems.length });
    }
    return { drafts, corrupt };
  }

  /** Throws StoreCorruptError for a row that does not read back. */
  get(id: string): Draft | undefined {
    const raw = this.q.one.get(id);
    if (raw === undefined) return undefined;
    const d = readDraft(raw);
    if (typeof d === 'string') throw new StoreCorruptError(d);
    return d;
  }

  /** Writes the draft as given (its problems are not stored: they are judged on every read). */
  put(draft: Omit<Draft, 'problems'>, create: boolean): Draft {
    const row = {
      id: draft.id,
      name: draft.name,
      object: JSON.stringify(draft.object),
      content: JSON.stringify(draft.content),
      targets: draft.targets,
      base: JSON.stringify(draft.base),
      created_at: draft.createdAt,
      updated_at: draft.updatedAt,
      author: draft.author,
    };
    if (create) this.q.insert.run(row);
    else this.q.update.run(row);
    return this.get(draft.id) as Draft;
  }

  delete(id: string): boolean {
    return this.q.remove.run(id).changes > 0;
  }
}
