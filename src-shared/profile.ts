import { z } from 'zod';
import { ConsoleId, RemoteId } from './protocol/ids';

export const BrokerEndpoint = z.object({
  name: z.enum(['primary', 'secondary']),
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535),
});
export type BrokerEndpoint = z.infer<typeof BrokerEndpoint>;

/**
 * Where a TLS identity lives on disk. The files are read by the core or agent only, never sent anywhere.
 * In a console profile `keyFile` names a sealed key file (docs/security.md, "Secrets at rest"); an agent's
 * is a plain PEM key.
 */
export const TlsFiles = z.object({
  caFile: z.string().min(1),
  certFile: z.string().min(1),
  keyFile: z.string().min(1),
});
export type TlsFiles = z.infer<typeof TlsFiles>;

/**
 * The key that signs configuration and its certificate (the one agents pin in trustedSigners). `keyFile`
 * names a sealed key file.
 */
export const SigningFiles = z.object({
  certFile: z.string().min(1),
  keyFile: z.string().min(1),
});
export type SigningFiles = z.infer<typeof SigningFiles>;

/** One IPAM as the console sees it: its brokers (primary first) and the console's identity there. */
export const ConsoleProfile = z.object({
  name: z.string().min(1).max(100),
  consoleId: ConsoleId,
  brokers: z.array(BrokerEndpoint).min(1).max(2),
  tls: TlsFiles,
  /** Without it the console can watch the fleet but sends no configuration. */
  signing: SigningFiles.optional(),
});
export type ConsoleProfile = z.infer<typeof ConsoleProfile>;

/** What one agent (or one simulated remote) needs to join the tunnel. */
export const RemoteIdentity = z.object({
  remoteId: RemoteId,
  brokers: z.array(BrokerEndpoint).min(1).max(2),
  tls: TlsFiles,
});
export type RemoteIdentity = z.infer<typeof RemoteIdentity>;
