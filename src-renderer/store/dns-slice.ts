import type { FindNameView } from '../../src-shared/ipc/dns-views';
import type { LookupRrtype } from '../../src-shared/protocol';
import type { SliceCreator } from './slice';

export interface NameQuery {
  name: string;
  rrtype: LookupRrtype;
}

/**
 * Find a name (docs/dns.md): one search at a time. A malformed name is `invalid` and nothing is sent;
 * an answer for an older search than the one asking is dropped (the admin typed again meanwhile).
 */
export type FindState =
  | { kind: 'idle' }
  | { kind: 'invalid'; query: NameQuery; message: string }
  | { kind: 'asking'; query: NameQuery; seq: number }
  | { kind: 'answered'; query: NameQuery; view: FindNameView }
  | { kind: 'failed'; query: NameQuery; message: string };

export type FindEvent =
  | { type: 'invalid'; query: NameQuery; message: string }
  | { type: 'ask'; query: NameQuery; seq: number }
  | { type: 'answer'; seq: number; view: FindNameView }
  | { type: 'fail'; seq: number; message: string }
  | { type: 'reset' };

export function findTransition(state: FindState, e: FindEvent): FindState {
  switch (e.type) {
    case 'invalid':
      return { kind: 'invalid', query: e.query, message: e.message };
    case 'ask':
      return { kind: 'asking', query: e.query, seq: e.seq };
    case 'answer':
      return state.kind === 'asking' && state.seq === e.seq
        ? { kind: 'answered', query: state.query, view: e.view }
        : state;
    case 'fail':
      return state.kind === 'asking' && state.seq === e.seq
        ? { kind: 'failed', query: state.query, message: e.message }
        : state;
    case 'reset':
      return { kind: 'idle' };
  }
}

export interface DnsSlice {
  find: FindState;
  findEvent(e: FindEvent): void;
}

export const dnsReset: Pick<DnsSlice, 'find'> = { find: { kind: 'idle' } };

export const createDnsSlice: SliceCreator<DnsSlice> = (set) => ({
  ...dnsReset,
  findEvent: (e) => set((s) => ({ find: findTransition(s.find, e) })),
});
