import type { z } from 'zod';
import type { ConfigPayload } from '../protocol';
import { renderScope } from './scope-render';

/**
 * A payload in the form remotes report what they serve (the `config` query's `text`, the served
 * inventory's hash): a zone as its text, a scope as renderScope writes it. The push preview and the drift
 * view both compare hashes of this text, so a remote that serves exactly what was pushed compares equal.
 */
export function comparableText(payload: z.infer<typeof ConfigPayload>): string {
  return payload.format === 'zone-text' ? payload.text : renderScope(payload.scope);
}
