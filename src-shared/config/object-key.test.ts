import { describe, expect, it } from 'vitest';
import { objectKey, zoneKey } from './object-key';

describe('objectKey', () => {
  it('gives one key per zone however its name is spelled, and one per scope', () => {
    expect(zoneKey('Example.TEST.')).toBe('example.test');
    expect(objectKey({ kind: 'zone', name: 'Example.TEST.' })).toBe('zone:example.test');
    expect(objectKey({ kind: 'zone', name: 'example.test' })).toBe('zone:example.test');
    expect(objectKey({ kind: 'scope', subnet: '10.0.0.0/24' })).toBe('scope:10.0.0.0/24');
  });
});
