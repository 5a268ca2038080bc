import type { Envelope } from '../../src-shared/protocol';
import { verifyConfig, type TrustedSigner } from '../../src-node/crypto/config-signature';
import type { ConfigVerifier } from './config-apply';

/**
 * The agent's check before applying (docs/security.md "Signed configuration"): a config must be signed
 * for this remote and this message id by one of the signer certificates the operator pinned.
 */
export class SignatureVerifier implements ConfigVerifier {
  constructor(
    private readonly remoteId: string,
    private readonly trusted: readonly TrustedSigner[],
    private readonly now: () => Date = () => new Date(),
  ) {}

  verify(env: Envelope<'config'>): { ok: true } | { ok: false; reason: string } {
    const verdict = verifyConfig(env, this.remoteId, this.trusted, this.now());
    return verdict.ok ? { ok: true } : verdict;
  }
}
