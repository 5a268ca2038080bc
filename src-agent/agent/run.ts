import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LogSink } from '../../src-node/log';
import { loadTrustedSigners, type TrustedSigner } from '../../src-node/crypto/config-signature';
import { loadTlsMaterial } from '../../src-node/tls';
import { BindTarget } from '../targets/bind';
import { KeaTarget } from '../targets/kea';
import type { AgentConfig } from './config';
import type { Capability, ServiceActions, ServiceControls } from './host-source';
import { Ledger } from './ledger';
import { ProcHost } from './proc-host';
import { RemoteAgent } from './remote-agent';
import { SignatureVerifier } from './signature-verifier';

const exec = promisify(execFile);

/** The operator's restart command, e.g. systemctl; its stderr is the reason when it fails. */
function runArgv(argv: string[]): () => Promise<void> {
  const [file = '', ...args] = argv;
  return async () => {
    try {
      await exec(file, args, { timeout: 60_000 });
    } catch (e) {
      const err = e as Error & { stderr?: string };
      throw new Error(`${argv.join(' ')}: ${err.stderr?.trim() || err.message}`);
    }
  };
}

/** Reads the trusted signer certificates so a wrong file fails at start, not at the first push. */
async function readSigners(files: string[]): Promise<TrustedSigner[]> {
  try {
    return await loadTrustedSigners(files);
  } catch (e) {
    throw new Error(`trustedSigners: ${(e as Error).message}`);
  }
}

/**
 * The zone directory is checked at start: under the packaged unit (ProtectSystem=strict) the agent may
 * write only its state directory, and a zoneDir elsewhere would otherwise fail every push as a read-only
 * disk, not once here with what to change.
 */
async function checkZoneDir(zoneDir: string, stateDir: string): Promise<void> {
  try {
    await mkdir(zoneDir, { recursive: true, mode: 0o750 });
    await access(zoneDir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new Error(
      `bind.zoneDir ${zoneDir} cannot be written (${code}): give a directory the agent may write and ` +
        `named may read, under the state directory (e.g. ${join(stateDir, 'zones')}); the Debian ` +
        `package's unit lets the agent write nowhere else`,
    );
  }
}

/** The agent of a real remote: this host, its BIND and Kea, its ledger under the state directory. */
export async function createRealAgent(
  config: AgentConfig,
  log: LogSink,
): Promise<{ agent: RemoteAgent; ledger: Ledger }> {
  const tls = await loadTlsMaterial(config.tls);
  if (tls.subjectCn !== config.remoteId) {
    throw new Error(
      `tls.certFile: the certificate is for "${tls.subjectCn}", not remoteId "${config.remoteId}": ` +
        "use this remote's own certificate or fix remoteId",
    );
  }
  const trusted = await readSigners(config.trustedSigners);
  if (trusted.length === 0) {
    log({
      level: 'warn',
      msg: 'trustedSigners is empty: every config will be refused until a signer certificate is listed',
    });
  }
  await mkdir(config.stateDir, { recursive: true, mode: 0o700 });
  const ledger = await Ledger.open(config.stateDir);
  // After the ledger: a read-only state directory is reported as such (Ledger.open), not as a zoneDir.
  if (config.bind) {
    await checkZoneDir(config.bind.zoneDir, config.stateDir).catch(async (e: unknown) => {
      await ledger.close();
      throw e;
    });
  }
  const dns = config.bind ? new BindTarget(config.bind) : undefined;
  const dhcp = config.kea ? new KeaTarget(config.kea) : undefined;
  const services: ServiceControls = {};
  if (dns) {
    const named: ServiceActions = { reload: () => dns.reload(), 'flush-cache': () => dns.flushCache() };
    if (config.bind?.restartCommand) named.restart = runArgv(config.bind.restartCommand);
    services.named = named;
  }
  if (dhcp) {
    const kea: ServiceActions = { reload: () => dhcp.reload() };
    if (config.kea?.restartCommand) kea.restart = runArgv(config.kea.restartCommand);
    services['kea-dhcp4'] = kea;
  }
  const capabilities: Capability[] = [...(dns ? ['dns' as const] : []), ...(dhcp ? ['dhcp4' as const] : [])];
  const agent = new RemoteAgent({
    identity: { remoteId: config.remoteId, brokers: config.brokers, tls: config.tls },
    tls,
    host: new ProcHost({ diskPath: config.stateDir, capabilities, tags: config.tags }),
    ledger,
    dns,
    dhcp,
    services,
    verifier: new SignatureVerifier(config.remoteId, trusted),
    statsIntervalMs: config.statsIntervalMs,
    presenceIntervalMs: config.presenceIntervalMs,
    log,
  });
  return { agent, ledger };
}
