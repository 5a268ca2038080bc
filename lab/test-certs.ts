/** Certificates the lab's allowlist does not admit or that carry a flaw: for the negative tests. */
import type { TlsFiles } from '../src-shared/profile';
import { RemoteId } from '../src-shared/protocol/ids';
import type { Role } from './allowlist';
import { layoutOf, type LabOptions } from './paths';
import { issueFlawed, issueUnlisted, makeForeignIdentity as makeForeign, type CertFlaw } from './pki';
import { requireState } from './state';

/**
 * For negative tests: a certificate from the lab CA that is NOT in the allowlist (written under
 * <lab>/pki/unlisted/ unless outDir is given). The lab must have been prepared (up or provision) first.
 */
export async function issueUnprovisionedCert(
  name: string,
  opts?: LabOptions & { role?: Role; outDir?: string },
): Promise<TlsFiles> {
  const layout = layoutOf(opts);
  await requireState(layout);
  return issueUnlisted(
    layout,
    RemoteId.parse(name),
    opts?.role ?? 'remotes',
    opts?.outDir ?? layout.unlistedDir,
  );
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
export async function issueFlawedCert(
  name: string,
  flaw: CertFlaw,
  opts?: LabOptions & { role?: Role; outDir?: string },
): Promise<TlsFiles> {
  const layout = layoutOf(opts);
  await requireState(layout);
  return issueFlawed(
    layout,
    RemoteId.parse(name),
    opts?.role ?? 'remotes',
    flaw,
    opts?.outDir ?? layout.flawedDir,
  );
}
