/** A lab's files, made or brought up to date before its brokers start or a remote is provisioned. */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConsoleProfile, type BrokerEndpoint } from '../src-shared/profile';
import { passphraseSealer, sealPrivateKey } from '../src-node/secrets';
import { readAllowlist, writeAllowlist } from './allowlist-files';
import { consoleTlsFiles, ensureConsolePassphrase, labProfileName, labSignerFiles } from './console-keys';
import { writeAtomic } from './files';
import { brokerNames, brokerTemplates, type LabLayout } from './paths';
import { ensureBrokerStores, ensurePki, labConsoleId } from './pki';
import { ensureState, type LabState } from './state';

/** The broker pair as a profile lists it. */
export function labEndpoints(state: LabState): BrokerEndpoint[] {
  return brokerNames.map((name) => ({ name, host: state.host, port: state.ports[name] }));
}

async function writeIfChanged(path: string, text: string, mode?: number): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current !== text) await writeAtomic(path, text, mode);
}

/** Everything but the processes: state, PKI, broker stores, conf, allowlist, console profile. Caller holds the lock. */
export async function prepare(layout: LabLayout): Promise<LabState> {
  await mkdir(layout.conf, { recursive: true });
  const state = await ensureState(layout);
  const sealer = passphraseSealer(await ensureConsolePassphrase(layout));
  await ensurePki(layout, (pem, purpose) =>
    sealPrivateKey(pem, { purpose, profile: labProfileName }, sealer),
  );
  await ensureBrokerStores(layout, state.storePassword);
  for (const file of brokerTemplates.files) {
    await writeIfChanged(join(layout.conf, file), await readFile(join(brokerTemplates.conf, file), 'utf8'));
  }
  await writeIfChanged(layout.secretsFile, `smt.storePassword=${state.storePassword}\n`, 0o600);
  const allow = await readAllowlist(layout);
  // The lab console administers the lab: its role too is written again, so a lab dir from before roles
  // (docs/roles.md) does not leave it unable to push.
  if (!allow.consoles.has(labConsoleId) || allow.roles.get(labConsoleId) !== 'admin') {
    await writeAllowlist(
      layout,
      {
        consoles: new Set([...allow.consoles, labConsoleId]),
        remotes: allow.remotes,
        roles: new Map([...allow.roles, [labConsoleId, 'admin']]),
      },
      'add',
    );
  }
  const profile = ConsoleProfile.parse({
    name: labProfileName,
    consoleId: labConsoleId,
    brokers: labEndpoints(state),
    tls: consoleTlsFiles({ dir: layout.dir }),
    signing: labSignerFiles({ dir: layout.dir }),
  });
  await writeIfChanged(layout.consoleProfile, `${JSON.stringify(profile, null, 2)}\n`);
  return state;
}
