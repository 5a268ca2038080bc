/** Certificates the lab's allowlist does not admit or that carry a flaw: for the negative tests. */
import type { TlsFiles } from '../src-shared/profile';
import { RemoteId } from '../src-shared/protocol/ids';
import type { Role } from './allowlist';
import { layoutOf, type LabLayout, type LabOptions } from './paths';
import { issueFlawed, issueUnlisted, makeForeignIdentity as makeForeign, type CertFlaw } from './pki';
import { requireState } from './state';

type CertOptions = LabOptions & { role?: Role; outDir?: string };

/** Issues from the lab CA of a prepared lab (up or provision), into outDir or the lab's own `dirOf`. */
async function fromLabCa(
  name: string,
  opts: CertOptions | undefined,
  dirOf: (layout: LabLayout) => string,
  issue: (layout: LabLayout, id: string, role: Role, outDir: string) => Promise<TlsFiles>,
): Promise<TlsFiles> {
  const layout = layoutOf(opts);
  await requireState(layout);
  return issue(layout, RemoteId.parse(name), opts?.role ?? 'remotes', opts?.outDir ?? dirOf(layout));
}

/**
 * For negative tests: a certificate from the lab CA that is NOT in the allowlist (written under
 * <lab>/pki/unlisted/ unless outDir is given). The lab must have been prepared (up or provision) first.
 */
export async function issueUnprovisionedCert(name: string, opts?: CertOptions): Promise<TlsFiles> {
  return fromLabCa(name, opts, (l) => l.unlistedDir, issueUnlisted);
}

/** For negative tests: a foreign CA and a client certificate from it that mimics lab identity `name`. */
export async function makeForeignIdentity(
  outDir: string,
  name: string,
  role: Role = 'remotes',
): Promise<TlsFiles> {
  return makeForeign(outDir, RemoteId.parse(name), role);
}

/**
 * For negative tests: a certificate from the lab CA for `name` (provisioned or not) with `flaw`, under
 * <lab>/pki/flawed/ unless outDir is given. The lab must have been prepared (up or provision) first.
 */
export async function issueFlawedCert(name: string, flaw: CertFlaw, opts?: CertOptions): Promise<TlsFiles> {
  return fromLabCa(
    name,
    opts,
    (l) => l.flawedDir,
    (layout, id, role, outDir) => issueFlawed(layout, id, role, flaw, outDir),
  );
}
