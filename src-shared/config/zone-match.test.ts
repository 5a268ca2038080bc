import { describe, expect, it } from 'vitest';
import { containingZone } from './zone-match';

describe('containingZone', () => {
  const zones = ['example.com', 'sub.example.com', 'ample.com', 'example.org.'];

  it('picks the longest zone the name is in, by whole labels and case-insensitively', () => {
    expect(containingZone('www.sub.example.com', zones)).toBe('sub.example.com');
    expect(containingZone('WWW.Example.COM.', zones)).toBe('example.com');
    expect(containingZone('sub.example.com', zones)).toBe('sub.example.com');
    expect(containingZone('example.org', zones)).toBe('example.org.');
  });

  it('does not match a zone that is only a string suffix, and finds nothing outside every zone', () => {
    expect(containingZone('www.xample.com', zones)).toBeUndefined();
    expect(containingZone('notexample.com', ['example.com'])).toBeUndefined();
    expect(containingZone('a.example.net', zones)).toBeUndefined();
  });
});
