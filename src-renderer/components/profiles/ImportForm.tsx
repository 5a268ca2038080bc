import { useId, useState, type FormEvent } from 'react';
import { parseHostPort } from '../../../src-shared/broker/address';
import type { BrokerEndpoint } from '../../../src-shared/profile';
import {
  MIN_PASSPHRASE_LENGTH,
  type ProfileImportForm,
  type Sealing,
} from '../../../src-shared/ipc/profile-views';
import { useApi } from '../../api/context';
import { useSmt } from '../../store/react';
import { PasswordField } from '../PasswordField';
import { sealingChoices, type SealingChoice } from '../../store/start-slice';

/** A file's bytes as base64 (a PKCS#12 bundle is binary), read in the page; nothing is uploaded elsewhere. */
async function fileBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

type Files = Partial<Record<'ca' | 'cert' | 'key' | 'p12' | 'signCert' | 'signKey', File>>;

function FileField({
  label,
  accept,
  onPick,
  hint,
}: {
  label: string;
  accept: string;
  onPick: (f: File | undefined) => void;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="file" accept={accept} onChange={(e) => onPick(e.target.files?.[0])} />
      {hint && <span className="field-hint">{hint}</span>}
    </div>
  );
}

function brokers(primary: string, secondary: string): BrokerEndpoint[] | string {
  const list: BrokerEndpoint[] = [];
  for (const [name, text] of [
    ['primary', primary],
    ['secondary', secondary],
  ] as const) {
    if (text.trim() === '' && name === 'secondary') continue;
    const address = parseHostPort(text);
    if (!address) return `Give the ${name} broker as host:port (for example broker1.example.net:61614).`;
    list.push({ name, ...address });
  }
  return list;
}

const choiceLabel: Record<SealingChoice, string> = {
  keyring: 'The OS keyring (nothing to type at start)',
  'held-passphrase': 'The passphrase of the profile in use',
  'new-passphrase': 'A new passphrase',
};

/** The admin's sealing choice as the contract takes it, or what is wrong with the passphrase typed. */
export function sealingOf(choice: SealingChoice, first: string, again: string): Sealing | undefined | string {
  if (choice === 'keyring') return { kind: 'keyring' };
  if (choice === 'held-passphrase') return undefined;
  if (first.length < MIN_PASSPHRASE_LENGTH) {
    return `The new passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters: a short one is quick to guess from a copy of the key files.`;
  }
  if (/[\r\n]/.test(first)) return 'The new passphrase cannot contain a line break.';
  if (first !== again) return 'The two new passphrases differ: type the same passphrase twice.';
  return { kind: 'passphrase', passphrase: first };
}

/**
 * Import of a new IPAM: its brokers and certificate bundle (PEM files, or a PKCS#12 bundle with its
 * passphrase), and how its keys are sealed here. The console checks the bundle and seals the keys before it
 * answers; every passphrase field is emptied after every attempt. `first`: the onboarding's import, which
 * opens the profile (the start state then changes the screen).
 */
export function ImportForm({ first = false }: { first?: boolean }) {
  const api = useApi();
  const setProfiles = useSmt((s) => s.setProfiles);
  const start = useSmt((s) => s.start);
  const choices = sealingChoices(start);
  const [choice, setChoice] = useState<SealingChoice | null>(null);
  const sealingChoice =
    choice !== null && choices.includes(choice) ? choice : (choices[0] ?? 'new-passphrase');
  const [newPass, setNewPass] = useState('');
  const [newPassAgain, setNewPassAgain] = useState('');
  const [name, setName] = useState('');
  const [primary, setPrimary] = useState('');
  const [secondary, setSecondary] = useState('');
  const [format, setFormat] = useState<'pem' | 'pkcs12'>('pkcs12');
  const [passphrase, setPassphrase] = useState('');
  const [files, setFiles] = useState<Files>({});
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  // A new key remounts the file inputs, which the browser does not let a page empty otherwise.
  const [formKey, setFormKey] = useState(0);
  const pick = (k: keyof Files) => (f: File | undefined) => setFiles((prev) => ({ ...prev, [k]: f }));
  const ids = {
    name: useId(),
    primary: useId(),
    secondary: useId(),
    sealHint: useId(),
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    const endpoints = brokers(primary, secondary);
    if (typeof endpoints === 'string') return setResult({ ok: false, text: endpoints });
    const missing =
      format === 'pem'
        ? !files.cert || !files.key
          ? 'Pick the client certificate and its key (PEM files).'
          : !files.ca
            ? "Pick the IPAM's CA certificate (PEM)."
            : null
        : !files.p12
          ? 'Pick the PKCS#12 bundle (.p12 or .pfx).'
          : null;
    if (missing) return setResult({ ok: false, text: missing });
    if (Boolean(files.signCert) !== Boolean(files.signKey)) {
      return setResult({ ok: false, text: 'Pick both the signing certificate and its key, or neither.' });
    }
    const sealing = sealingOf(sealingChoice, newPass, newPassAgain);
    setNewPass('');
    setNewPassAgain('');
    if (typeof sealing === 'string') {
      setPassphrase('');
      return setResult({ ok: false, text: sealing });
    }
    setBusy(true);
    const secret = passphrase;
    setPassphrase('');
    try {
      const form: ProfileImportForm = {
        name: name.trim(),
        brokers: endpoints,
        ...(files.ca ? { ca: await files.ca.text() } : {}),
        client:
          format === 'pem' && files.cert && files.key
            ? { format: 'pem', cert: await files.cert.text(), key: await files.key.text() }
            : { format: 'pkcs12', data: files.p12 ? await fileBase64(files.p12) : '', passphrase: secret },
        ...(files.signCert && files.signKey
          ? { signing: { cert: await files.signCert.text(), key: await files.signKey.text() } }
          : {}),
        ...(sealing ? { sealing } : {}),
      };
      const r = await api.importProfile(form);
      if (!r.ok) return setResult({ ok: false, text: r.error.message });
      // The console opened it: the start state that follows shows the app.
      if (first) return;
      setResult({
        ok: true,
        text: `Imported ${r.value.name}; its keys are sealed. Switch to it from the list above.`,
      });
      setName('');
      setFiles({});
      setFormKey((k) => k + 1);
      const list = await api.listProfiles();
      if (list.ok) setProfiles(list.value);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={`import-title${first ? '-first' : ''}`}>
      <h2 id={`import-title${first ? '-first' : ''}`}>Import a profile</h2>
      <form
        key={formKey}
        className="import-form"
        aria-labelledby={`import-title${first ? '-first' : ''}`}
        onSubmit={(e) => void submit(e)}
      >
        <div className="field">
          <label htmlFor={ids.name}>Profile name</label>
          <input
            id={ids.name}
            required
            value={name}
            maxLength={64}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.primary}>Primary broker</label>
          <input
            id={ids.primary}
            required
            placeholder="broker1.example.net:61614"
            value={primary}
            onChange={(e) => setPrimary(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.secondary}>Secondary broker (optional)</label>
          <input
            id={ids.secondary}
            placeholder="broker2.example.net:61614"
            value={secondary}
            onChange={(e) => setSecondary(e.target.value)}
          />
        </div>
        <fieldset className="field wide">
          <legend>Client certificate</legend>
          <label>
            <input
              type="radio"
              name="format"
              checked={format === 'pkcs12'}
              onChange={() => setFormat('pkcs12')}
            />{' '}
            PKCS#12 bundle
          </label>
          <label>
            <input type="radio" name="format" checked={format === 'pem'} onChange={() => setFormat('pem')} />{' '}
            PEM files
          </label>
        </fieldset>
        {format === 'pkcs12' ? (
          <>
            <FileField label="Bundle file (.p12 or .pfx)" accept=".p12,.pfx" onPick={pick('p12')} />
            <PasswordField label="Bundle passphrase" value={passphrase} onChange={setPassphrase} />
          </>
        ) : (
          <>
            <FileField label="Client certificate (PEM)" accept=".crt,.pem,.cer" onPick={pick('cert')} />
            <FileField label="Client key (PEM)" accept=".key,.pem" onPick={pick('key')} />
          </>
        )}
        <FileField
          label="CA certificate (PEM)"
          accept=".crt,.pem,.cer"
          onPick={pick('ca')}
          hint={format === 'pkcs12' ? 'Optional when the bundle carries the CA.' : undefined}
        />
        <FileField
          label="Signing certificate (optional)"
          accept=".crt,.pem,.cer"
          onPick={pick('signCert')}
          hint="Without it this profile watches the fleet but pushes nothing."
        />
        <FileField label="Signing key (optional)" accept=".key,.pem" onPick={pick('signKey')} />
        <fieldset className="field wide" aria-describedby={ids.sealHint}>
          <legend>Protect the keys with</legend>
          {choices.length > 1 &&
            choices.map((c) => (
              <label key={c}>
                <input
                  type="radio"
                  name="sealing"
                  checked={sealingChoice === c}
                  onChange={() => setChoice(c)}
                />{' '}
                {choiceLabel[c]}
              </label>
            ))}
          {choices.length === 1 && <span>{choiceLabel['new-passphrase']}</span>}
          <span className="field-hint" id={ids.sealHint}>
            {sealingChoice === 'keyring'
              ? 'Only you, logged in on this computer, can open the keys.'
              : sealingChoice === 'held-passphrase'
                ? 'The same passphrase opens both profiles.'
                : `At least ${MIN_PASSPHRASE_LENGTH} characters, asked when the console starts. Nobody can recover it: keep it in your password manager.`}
          </span>
        </fieldset>
        {sealingChoice === 'new-passphrase' && (
          <>
            <PasswordField
              label="New passphrase"
              autoComplete="new-password"
              value={newPass}
              onChange={setNewPass}
            />
            <PasswordField
              label="New passphrase again"
              autoComplete="new-password"
              value={newPassAgain}
              onChange={setNewPassAgain}
            />
          </>
        )}
        <div className="field wide">
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Checking the bundle…' : first ? 'Import and connect' : 'Import profile'}
          </button>
        </div>
      </form>
      {result &&
        (result.ok ? (
          <p className="action-result tone-ok" role="status">
            {result.text}
          </p>
        ) : (
          <p className="action-result tone-bad" role="alert">
            {result.text}
          </p>
        ))}
    </section>
  );
}
