import { createHash } from 'node:crypto';

/**
 * SHA-256 as lowercase hex, of a string's UTF-8 or of bytes: how the protocol names what a remote serves
 * (`sha256` in results and config answers) and how a signature names its signer, so console and agent
 * must compute it the same way.
 */
export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
