import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { dataKeyId, deriveKey, type DataKeyRing } from '../secrets/data-key.js';
import type { WebhookTokenSet } from './token.js';

/**
 * Sealing of one-time secrets (card 3DS and activation codes) and personal data (IBANs, names, document
 * numbers...) before the inbox stores an event: AES-256-GCM.
 *
 * v2 (what the receivers write since issue 12): the key is the data key's `seal-personal` key
 * (shared/secrets/data-key.ts), one secret for everything the suite seals, held in Secrets Manager apart
 * from the webhook token, so rotating the token P100 sends no longer makes stored events unreadable and the
 * processor needs no copy of the token. `v2.<kid>.<iv>.<tag>.<ciphertext>`, kid = the data key's public id.
 *
 * v1 (read-only, for inbox items written before issue 12; they expire after 30 days): the key was derived
 * from the webhook token by HKDF-SHA256, as described below.
 *
 * Why the webhook token and not KMS: it is already a high-entropy secret the receivers hold, it needs no
 * extra infrastructure locally, and a rotated-out token makes old ciphertexts unreadable, which is what
 * we want for codes that are useless minutes later (crypto-shredding). The envelope names the key by a
 * key id (also derived by HKDF, so it reveals nothing about the token), so the processor can open events
 * sealed under the previous token during a rotation.
 *
 * Dedup keys must not leak the code either: a plain SHA-256 over a 6-digit code is reversed by trying a
 * million values, so the whole dedup key is a keyed HMAC under the data key (shared/webhooks/event.ts `dedupKey`).
 */

const SALT = Buffer.from('p100-suite/webhook-inbox/v1');

function derive(token: string, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(token, 'utf8'), SALT, Buffer.from(info), 32));
}

export function keyId(token: string): string {
  return derive(token, 'key-id').subarray(0, 8).toString('hex');
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
  return openSealed(derive(token, 'seal'), iv, tag, ct, aad);
}

/** AES-256-GCM open of the three base64url parts of a sealed value (v1 and v2 differ only in the key). */
function openSealed(key: Buffer, iv: string, tag: string, ct: string, aad: string): Record<string, unknown> {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    const clear = Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(clear) as Record<string, unknown>;
  } catch {
    throw new UnsealError('sealed value does not authenticate');
  }
}

// ---- v2: under the data key

/** `v2.<kid>.<iv>.<tag>.<ciphertext>` of the JSON of `fields` under the current data key; `aad` binds it to its event. */
export function sealWithDataKey(ring: DataKeyRing, fields: Record<string, unknown>, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(ring.current, 'seal-personal'), iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(JSON.stringify(fields), 'utf8'), cipher.final()]);
  return ['v2', dataKeyId(ring.current), b64(iv), b64(cipher.getAuthTag()), b64(ct)].join('.');
}

/** Opens a v2 sealed value with whichever data key of the ring made it (current or previous). */
export function unsealWithDataKey(ring: DataKeyRing, sealed: string, aad: string): Record<string, unknown> {
  const [v, kid, iv, tag, ct] = sealed.split('.');
  if (v !== 'v2' || !kid || !iv || !tag || ct === undefined) throw new UnsealError('not a v2 sealed value');
  const master = [ring.current, ring.previous].find((k): k is Buffer => k !== undefined && dataKeyId(k) === kid);
  if (!master) throw new UnsealError('sealed under a data key that is no longer in the secret (rotated out)');
  return openSealed(deriveKey(master, 'seal-personal'), iv, tag, ct, aad);
}

/** Which scheme sealed a value: v2 (data key) or v1 (webhook token, legacy). */
export function sealVersion(sealed: string): 'v1' | 'v2' | undefined {
  const v = sealed.slice(0, sealed.indexOf('.'));
  return v === 'v1' || v === 'v2' ? v : undefined;
}
