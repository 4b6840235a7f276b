import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { WebhookTokenSet } from './token.js';

/**
 * Sealing of one-time secrets (card 3DS and activation codes) and personal data (IBANs) before the
 * inbox stores an event: AES-256-GCM with a data key derived from the webhook token by HKDF-SHA256.
 *
 * Why the webhook token and not KMS: it is already a high-entropy secret the receivers hold, it needs no
 * extra infrastructure locally, and a rotated-out token makes old ciphertexts unreadable, which is what
 * we want for codes that are useless minutes later (crypto-shredding). The envelope names the key by a
 * key id (also derived by HKDF, so it reveals nothing about the token), so the processor can open events
 * sealed under the previous token during a rotation.
 *
 * Dedup keys must not leak the code either: a plain SHA-256 over a 6-digit code is reversed by trying a
 * million values, so secret values enter the dedup hash only as an HMAC under another derived key.
 */

const SALT = Buffer.from('p100-suite/webhook-inbox/v1');

function derive(token: string, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(token, 'utf8'), SALT, Buffer.from(info), 32));
}

export function keyId(token: string): string {
  return derive(token, 'key-id').subarray(0, 8).toString('hex');
}

/** HMAC of a secret value for dedup hashing (stable while the token is). */
export function secretFingerprint(token: string, value: string): string {
  return createHmac('sha256', derive(token, 'dedup')).update(value, 'utf8').digest('hex');
}

const b64 = (b: Buffer) => b.toString('base64url');

/** `v1.<kid>.<iv>.<tag>.<ciphertext>` of the JSON of `fields`; `aad` binds it to its event. */
export function seal(token: string, fields: Record<string, unknown>, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(token, 'seal'), iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(JSON.stringify(fields), 'utf8'), cipher.final()]);
  return ['v1', keyId(token), b64(iv), b64(cipher.getAuthTag()), b64(ct)].join('.');
}

export class UnsealError extends Error {
  override readonly name = 'UnsealError';
}

/** Opens a sealed value with whichever token of the set made it (current or previous). */
export function unseal(tokens: WebhookTokenSet, sealed: string, aad: string): Record<string, unknown> {
  const [v, kid, iv, tag, ct] = sealed.split('.');
  if (v !== 'v1' || !kid || !iv || !tag || ct === undefined) throw new UnsealError('not a v1 sealed value');
  const token = [tokens.token, tokens.previous].find((t): t is string => t !== undefined && keyId(t) === kid);
  if (!token) throw new UnsealError('sealed under a token that is no longer in the secret (rotated out)');
  const decipher = createDecipheriv('aes-256-gcm', derive(token, 'seal'), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    const clear = Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(clear) as Record<string, unknown>;
  } catch {
    throw new UnsealError('sealed value does not authenticate');
  }
}
