/**
 * How a broker's address is written and read, in one place: the console's broker list, logs and errors,
 * the import form, the lab and the tests all show the same `stomp+ssl://host:port` and read the same
 * `host:port`.
 */

interface Address {
  host: string;
  port: number;
}

/** `host:port`, as an operator types it and as logs and errors name a broker. */
export const hostPort = (a: Address): string => `${a.host}:${a.port}`;

/** The URL a STOMP client dials: SMT speaks STOMP over mutual TLS only. */
export const brokerUrl = (a: Address): string => `stomp+ssl://${hostPort(a)}`;

/** `host:port` typed by an operator (spaces around it allowed), or undefined when it is not one. */
export function parseHostPort(text: string): Address | undefined {
  const m = /^\s*([^\s:]+):(\d{1,5})\s*$/.exec(text);
  if (!m?.[1] || !m[2]) return undefined;
  return { host: m[1], port: Number(m[2]) };
}
