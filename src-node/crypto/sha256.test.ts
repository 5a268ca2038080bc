import { describe, expect, it } from 'vitest';
import { sha256 } from './sha256';

describe('sha256', () => {
  it('hashes the UTF-8 of a string and bytes alike, as lowercase hex', () => {
    const empty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(sha256('')).toBe(empty);
    expect(sha256(new Uint8Array())).toBe(empty);
    expect(sha256('é')).toBe(sha256(Buffer.from('é', 'utf8')));
  });
});
