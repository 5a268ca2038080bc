import { readFile } from 'node:fs/promises';
import {
  consoleProfilePath,
  consoleTlsFiles,
  labConsoleKeys,
  labConsoleTls,
  labSignerFiles,
} from '../../lab/lab';
import { openPrivateKey } from '../../src-node/secrets';
import { loadConsoleProfile } from '../../src-main/core/profile';
import type { ProfileImportForm } from '../../src-shared/ipc/profile-views';
import type { LabFixture } from './lab-fixture';

/**
 * A lab's console identity as an admin's Import form sends it (PEM, keys in clear in memory only): how a
 * test adds a second IPAM to a console's profiles directory.
 */
export async function labImportForm(lab: LabFixture, name: string): Promise<ProfileImportForm> {
  const keys = await labConsoleKeys(lab.opts);
  const tls = await labConsoleTls(lab.opts);
  const signer = labSignerFiles(lab.opts);
  return {
    name,
    brokers: (await loadConsoleProfile(consoleProfilePath(lab.opts))).brokers,
    ca: await readFile(consoleTlsFiles(lab.opts).caFile, 'utf8'),
    client: { format: 'pem', cert: tls.cert, key: tls.key },
    signing: {
      cert: await readFile(signer.certFile, 'utf8'),
      key: await openPrivateKey(await readFile(signer.keyFile, 'utf8'), signer.keyFile, 'signing', keys),
    },
  };
}
