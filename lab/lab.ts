/**
 * The lab: a local primary/secondary ActiveMQ pair over mutual TLS with its PKI and allowlist.
 * The programmatic API used by the CLI, the agent simulator, the console host, tests and the demo, gathered
 * from its modules (docs/architecture.md, "The lab"). Layout of a lab dir: docs/lab.md.
 */
export {
  consoleProfilePath,
  consoleTlsFiles,
  labConsoleKeys,
  labConsolePassphrase,
  labConsoleSealers,
  labConsoleTls,
  labProfileName,
  labSignerCertFile,
  labSignerFiles,
} from './console-keys';
export { killBroker, labDown, labStatus, labUp, waitForActiveBroker, type BrokerStatus } from './lifecycle';
export { labDir, type BrokerName, type LabOptions } from './paths';
export { labConsoleId, type CertFlaw } from './pki';
export {
  provision,
  provisionConsole,
  provisionedRemotes,
  remoteIdentities,
  remoteIdentity,
  revoke,
} from './provisioning';
export {
  MAX_REAL_REMOTES,
  describeRealRemote,
  startRealRemotes,
  stopRealRemotes,
  type RealRemote,
  type RealService,
} from './real-remotes';
export { issueFlawedCert, issueUnprovisionedCert, makeForeignIdentity } from './test-certs';
