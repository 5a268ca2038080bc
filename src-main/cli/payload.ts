import type { z } from 'zod';
import { DhcpScope } from '../../src-shared/config/scope';
import { ConfigObject } from '../../src-shared/protocol';
import type { PushRequest } from '../../src-shared/push/request';
import { CliExit, Exit } from './args';
import { errorText } from '../../src-shared/util/error-text';

type Loaded = Pick<PushRequest, 'object' | 'payload'>;

const ORIGIN = /^\$ORIGIN[ \t]+(\S+)/im;

/**
 * The zone a zone file is for: --zone when given, else the file's first $ORIGIN directive. Nothing is
 * guessed from record owners: a file with neither is refused, so a relative "@" never lands in the wrong zone.
 */
export function zoneNameOf(text: string, flag: string | undefined, file: string): string {
  const name = flag ?? ORIGIN.exec(text)?.[1];
  if (name === undefined) {
    throw new CliExit(Exit.usage, `${file} has no $ORIGIN line: name the zone with --zone <name>`);
  }
  const zone = name.replace(/\.$/, '');
  const parsed = ConfigObject.safeParse({ kind: 'zone', name: zone });
  if (!parsed.success) {
    throw new CliExit(Exit.usage, `"${name}" is not a zone name: ${parsed.error.issues[0]?.message ?? ''}`);
  }
  return zone;
}

export function zonePayload(text: string, flag: string | undefined, file: string): Loaded {
  return {
    object: { kind: 'zone', name: zoneNameOf(text, flag, file) },
    payload: { format: 'zone-text', text },
  };
}

/** A DhcpScope JSON file; every problem is printed with its path, as the model found it. */
export function scopePayload(text: string, file: string): Loaded {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliExit(Exit.usage, `${file} is not JSON: ${errorText(e)}`);
  }
  const parsed = DhcpScope.safeParse(json);
  if (!parsed.success)
    throw new CliExit(Exit.usage, `${file} is not a valid DHCP scope:\n${issuesText(parsed.error)}`);
  return {
    object: { kind: 'scope', subnet: parsed.data.subnet },
    payload: { format: 'kea-subnet4', scope: parsed.data },
  };
}

export function issuesText(error: z.ZodError): string {
  return error.issues
    .map((i) => `  ${i.path.length > 0 ? i.path.join('.') : '(top)'}: ${i.message}`)
    .join('\n');
}
