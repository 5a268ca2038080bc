import { describe, expect, it } from 'vitest';
import { describeDetail, pushIdOf } from './detail';

const entry = (action: string, subject: string) => ({
  seq: 1,
  at: 0,
  profile: 'lab',
  actor: 'alice',
  action,
  subject,
  detail: null,
});

describe('audit details', () => {
  it('reads as words, not JSON', () => {
    expect(describeDetail(null)).toBe('');
    expect(describeDetail('{"remotes":2,"applied":1}')).toBe('remotes 2, applied 1');
    expect(describeDetail('{"object":{"kind":"zone","name":"fleet.test"},"version":3,"targets":30}')).toBe(
      'zone fleet.test, version 3, targets 30',
    );
    expect(describeDetail('not json')).toBe('not json');
  });

  it('links the entries about a push to it', () => {
    const id = '00000000-0000-4000-8000-000000000001';
    expect(pushIdOf(entry('retry', id))).toBe(id);
    expect(pushIdOf(entry('command', id))).toBeNull();
    expect(pushIdOf(entry('push', 'reload named'))).toBeNull();
  });
});
