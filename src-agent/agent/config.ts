import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { BrokerEndpoint } from '../../src-shared/profile';
import { RemoteId } from '../../src-shared/protocol';

/** Paths are absolute: under systemd the working directory is /, and a relative path would surprise. */
const AbsPath = (what: string) =>
  z
    .string({ error: `missing: give the absolute path of the ${what}` })
    .min(1, `empty: give the absolute path of the ${what}`)
    .refine(
      isAbsolute,
      `not an absolute path: give the ${what} from / (the agent may run with / as its directory)`,
    );

const Program = (what: string) =>
  z.string().min(1, `name the ${what} program or give its absolute path`).optional();

const Argv = z
  .array(z.string().min(1))
  .min(1, 'give the command as an array of words, e.g. ["systemctl", "restart", "named"]')
  .optional();

const Port = (what: string) =>
  z
    .number({ error: `the ${what} must be a number` })
    .int(`the ${what} must be a whole number`)
    .min(1, `the ${what} must be 1-65535`)
    .max(65535, `the ${what} must be 1-65535`);

/** How the agent reaches BIND 9 (the BindTarget's settings, plus the agent's own restart command). */
export const BindConfig = z
  .strictObject({
    zoneDir: AbsPath('zone directory (writable by the agent, readable by named)'),
    queryAddress: z.union([z.ipv4(), z.ipv6()], {
      error: 'queryAddress must be the IP address named answers on, e.g. "127.0.0.1"',
    }),
    queryPort: Port('query port').default(53),
    rndcConf: AbsPath('rndc config file (rndc -c)').optional(),
    rndcKeyFile: AbsPath('rndc key file (rndc -k)').optional(),
    rndcServer: z.string().min(1).optional(),
    rndcPort: Port('rndc port').optional(),
    rndc: Program('rndc'),
    namedCheckzone: Program('named-checkzone'),
    dig: Program('dig'),
    statisticsUrl: z
      .url({
        error:
          'statisticsUrl must be the base URL of BIND\'s statistics-channels, e.g. "http://127.0.0.1:8053"',
      })
      .optional(),
    timeoutMs: z.number().int().min(100).max(600_000).optional(),
    confirmTimeoutMs: z.number().int().min(100).max(600_000).optional(),
    restartCommand: Argv,
  })
  .refine((b) => !(b.rndcConf && b.rndcKeyFile), {
    error: 'give either rndcConf or rndcKeyFile (with rndcServer / rndcPort), not both',
    path: ['rndcKeyFile'],
  });
export type BindConfig = z.infer<typeof BindConfig>;

/** How the agent reaches kea-dhcp4. */
export const KeaConfig = z.strictObject({
  controlSocket: AbsPath('Kea control socket (control-socket.socket-name in kea-dhcp4.conf)'),
  configFile: AbsPath('Kea config file kea-dhcp4 was started with (writable by Kea for config-write)'),
  timeoutMs: z.number().int().min(100).max(600_000).optional(),
  /** How often the served inventory asks Kea whether its config changed (one command); default 30000. */
  changePollMs: z
    .number()
    .int()
    .min(100, 'changePollMs is at least 100 (ms)')
    .max(3_600_000, 'changePollMs is at most 3600000 (ms)')
    .optional(),
  restartCommand: Argv,
});
export type KeaConfig = z.infer<typeof KeaConfig>;

export const AgentConfig = z.strictObject({
  remoteId: RemoteId,
  brokers: z
    .array(BrokerEndpoint, { error: 'brokers must be a list: [{"name":"primary","host":…,"port":…}, …]' })
    .min(1, 'list at least the primary broker')
    .max(2, 'list the primary and at most one secondary broker')
    .refine((b) => b[0]?.name === 'primary', 'the first broker must be the one named "primary"'),
  tls: z.strictObject(
    {
      caFile: AbsPath('CA certificate file (PEM) of the IPAM'),
      certFile: AbsPath('certificate file (PEM) of this remote, CN = remoteId'),
      keyFile: AbsPath('private key file (PEM, unencrypted, mode 0600) of this remote'),
    },
    { error: 'missing: give {"caFile": …, "certFile": …, "keyFile": …} with absolute paths' },
  ),
  /** Certificates whose keys may sign configuration; checked from issue 5 on (see docs/agent.md). */
  trustedSigners: z.array(AbsPath('signer certificate file (PEM)')).max(16).default([]),
  stateDir: AbsPath('state directory (ledger and state; created if missing, kept across upgrades)'),
  statsIntervalMs: z
    .number()
    .int()
    .min(1000, 'statsIntervalMs is at least 1000 (ms)')
    .max(600_000, 'statsIntervalMs is at most 600000 (ms)')
    .default(5000),
  presenceIntervalMs: z
    .number()
    .int()
    .min(500, 'presenceIntervalMs is at least 500 (ms)')
    .max(60_000, 'presenceIntervalMs is at most 60000 (ms)')
    .default(2000),
  tags: z.array(z.string().min(1).max(64)).max(64).default([]),
  bind: BindConfig.optional(),
  kea: KeaConfig.optional(),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

export class AgentConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `${file}: ${problems.length} problem(s) in the agent config:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'AgentConfigError';
  }
}

/** Every issue as "field.path: what to do". */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const at = i.path.length ? i.path.map(String).join('.') : '(top level)';
    const msg = i.code === 'unrecognized_keys' ? `${i.message}: remove it or check its spelling` : i.message;
    return `${at}: ${msg}`;
  });
}

export function parseAgentConfig(json: unknown, file = 'config'): AgentConfig {
  const parsed = AgentConfig.safeParse(json);
  if (!parsed.success) throw new AgentConfigError(file, describeIssues(parsed.error));
  return parsed.data;
}

/**
 * The key that marks the example config the Debian package installs (packaging/deb/agent.json): an
 * agent started on it says what to fill in rather than listing every placeholder as a mistake.
 */
export const PACKAGED_EXAMPLE_KEY = 'packagedExample';

export async function loadAgentConfig(file: string): Promise<AgentConfig> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new AgentConfigError(file, [
      missing
        ? 'no such file: write the agent config there (docs/agent.md, "Configure"; the Debian package installs an example as /etc/smt-agent/agent.json)'
        : `cannot read the file: ${(e as Error).message}`,
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new AgentConfigError(file, [`not valid JSON: ${(e as Error).message}`]);
  }
  if (typeof json === 'object' && json !== null && PACKAGED_EXAMPLE_KEY in json) {
    throw new AgentConfigError(file, [
      `${file} is the packaged example: set remoteId, brokers and tls (docs/agent.md, "Enrol"), ` +
        `then delete its "${PACKAGED_EXAMPLE_KEY}" line`,
    ]);
  }
  return parseAgentConfig(json, file);
}
