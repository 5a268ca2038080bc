import { selectRemotes, type TargetSelector } from '../../src-shared/config/selector';
import type { RemoteView } from '../../src-shared/ipc';

/** How the Push screen picks its targets: the Fleet's selection, a tag, or a filter. */
export type TargetChoice =
  | { kind: 'selected'; ids: readonly string[] }
  | { kind: 'tag'; tag: string }
  | { kind: 'filter'; status: 'online' | 'offline' | 'any'; hostname: string };

/** The selector the console selects with, or why there is none yet. */
export function selectorOf(choice: TargetChoice): { selector: TargetSelector } | { problem: string } {
  switch (choice.kind) {
    case 'selected':
      return choice.ids.length === 0
        ? { problem: 'No remote is selected: pick remotes in the Fleet (g f), or choose a tag or a filter.' }
        : { selector: { kind: 'ids', ids: [...choice.ids] } };
    case 'tag':
      return choice.tag === ''
        ? { problem: 'Pick a tag.' }
        : { selector: { kind: 'tags', all: [choice.tag] } };
    case 'filter': {
      const hostname = choice.hostname.trim();
      if (hostname !== '' && !/^[A-Za-z0-9.*?_-]+$/.test(hostname))
        return { problem: 'A host name pattern holds letters, digits, ".", "-", "_", "*" and "?".' };
      return {
        selector: { kind: 'filter', status: choice.status, ...(hostname === '' ? {} : { hostname }) },
      };
    }
  }
}

/**
 * The remotes the selector picks from the fleet this window knows, as the console would pick them (the
 * same selectRemotes); a push still selects again in the console, which also knows capabilities.
 */
export function previewTargets(selector: TargetSelector, remotes: ReadonlyMap<string, RemoteView>): string[] {
  const fleet = [...remotes.values()].map((r) => ({
    id: r.id,
    tags: r.tags,
    capabilities: [],
    status: r.status,
    hostname: r.hostname,
  }));
  return selectRemotes(selector, fleet);
}
