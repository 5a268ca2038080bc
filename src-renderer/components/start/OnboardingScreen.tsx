import { ImportForm } from '../profiles/ImportForm';
import { GateFrame } from './GateFrame';

/** First run: no profile yet. Importing one opens it, and the app follows. */
export function OnboardingScreen() {
  return (
    <GateFrame label="Welcome">
      <header className="screen-head">
        <h1 className="title">Welcome to SMT Console</h1>
        <span className="muted">
          Import your IPAM&apos;s profile to connect: the certificate bundle your IPAM&apos;s administrator
          gave you (a PKCS#12 file, or PEM files) and the addresses of its brokers. The keys are checked and
          sealed on this computer; nothing is sent anywhere but to those brokers.
        </span>
      </header>
      <ImportForm first />
    </GateFrame>
  );
}
