import { describe, expect, it } from 'vitest';
import { brokerUrl, hostPort, parseHostPort } from './address';

describe('broker addresses', () => {
  const broker = { host: 'broker1.example.net', port: 61614 };

  it('writes host:port and the stomp+ssl URL', () => {
    expect(hostPort(broker)).toBe('broker1.example.net:61614');
    expect(brokerUrl(broker)).toBe('stomp+ssl://broker1.example.net:61614');
  });

  it.each([
    ['broker1.example.net:61614', broker],
    ['  127.0.0.1:1 ', { host: '127.0.0.1', port: 1 }],
    ['broker1.example.net', undefined],
    ['broker1.example.net:', undefined],
    ['broker 1:61614', undefined],
    ['host:123456', undefined],
    ['stomp+ssl://host:1', undefined],
  ])('reads %j', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected);
  });

  it('reads back what it writes', () => {
    expect(parseHostPort(hostPort(broker))).toEqual(broker);
  });
});
