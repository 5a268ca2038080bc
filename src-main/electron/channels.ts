import type { CallName, EventName } from '../../src-shared/ipc';

/**
 * IPC channel names, one per call and one per event of the contract. Type-only imports: the sandboxed
 * preload bundles this file and must not pull in the schemas.
 */
export const callChannel = (call: CallName) => `smt:call:${call}` as const;
export const eventChannel = (event: EventName) => `smt:event:${event}` as const;
