import type { z } from 'zod';
import { DhcpScope } from '../config/scope';
import { renderScope } from '../config/scope-render';
import { Zone, originOf } from '../config/zone';
import { renderZone } from '../config/zone-render';
import type { DraftContent, DraftProblem } from '../ipc/draft-views';
import type { ConfigObject, ConfigPayload } from '../protocol';

type Obj = z.infer<typeof ConfigObject>;
type Payload = z.infer<typeof ConfigPayload>;

const pathOf = (path: readonly PropertyKey[]) => path.map(String).join('.');

export function payloadText(payload: Payload): string {
  return payload.format === 'zone-text' ? payload.text : renderScope(payload.scope);
}

/** The payload the draft would push; undefined while it has problems. */
export function draftPayload(content: DraftContent): Payload | undefined {
  switch (content.format) {
    case 'zone-text':
      return content.text.trim() === '' ? undefined : { format: 'zone-text', text: content.text };
    case 'zone': {
      const zone = Zone.safeParse(content.zone);
      return zone.success ? { format: 'zone-text', text: renderZone(zone.data) } : undefined;
    }
    case 'scope': {
      const scope = DhcpScope.safeParse(content.scope);
      return scope.success ? { format: 'kea-subnet4', scope: scope.data } : undefined;
    }
  }
}

/**
 * Everything that would stop the draft from being pushed, each at the field it is about, in the models'
 * own words; a draft is saved with its problems and says so.
 */
export function draftProblems(object: Obj, content: DraftContent): DraftProblem[] {
  const problems: DraftProblem[] = [];
  const fromSchema = (prefix: string, r: { success: boolean; error?: z.ZodError }) => {
    for (const issue of r.error?.issues ?? []) {
      problems.push({ path: [prefix, pathOf(issue.path)].filter(Boolean).join('.'), message: issue.message });
    }
  };
  switch (content.format) {
    case 'zone-text':
      if (object.kind !== 'zone') problems.push({ path: 'object', message: 'zone text is for a zone draft' });
      if (content.text.trim() === '') problems.push({ path: 'text', message: 'the zone text is empty' });
      break;
    case 'zone': {
      if (object.kind !== 'zone')
        problems.push({ path: 'object', message: 'a zone model is for a zone draft' });
      const r = Zone.safeParse(content.zone);
      fromSchema('zone', r);
      if (
        r.success &&
        object.kind === 'zone' &&
        originOf(r.data.name).toLowerCase() !== originOf(object.name).toLowerCase()
      ) {
        problems.push({
          path: 'zone.name',
          message: `the zone is named ${r.data.name} but the draft is for ${object.name}`,
        });
      }
      break;
    }
    case 'scope': {
      if (object.kind !== 'scope')
        problems.push({ path: 'object', message: 'a scope model is for a scope draft' });
      const r = DhcpScope.safeParse(content.scope);
      fromSchema('scope', r);
      if (r.success && object.kind === 'scope' && r.data.subnet !== object.subnet) {
        problems.push({
          path: 'scope.subnet',
          message: `the scope is ${r.data.subnet} but the draft is for ${object.subnet}`,
        });
      }
      break;
    }
  }
  return problems;
}
