import { createHmac, hkdfSync } from 'node:crypto';
import { ENV, readEnv } from '../config/env.js';
import { secretCache } from './secret-cache.js';

/**
 * The suite's data key (Secrets Manager, `DATA_KEY_SECRET_ID`): one high-entropy master secret from which
 * a key per purpose is derived with HKDF-SHA256, so a key used for one thing is useless for another.
 *
 * Why a key at all: a plain SHA-256 over a request that holds a 4-digit PIN (or a 6-digit card code) is
 * reversed by trying 10^4 (10^6) values; a keyed HMAC is not, for anyone who can read the table but not
 * the secret. Why one secret and not one per purpose: one grant per function, one rotation; HKDF keeps
 * the purposes apart cryptographically.
 *
 * Secret value: base64 of at least 32 random bytes (CDK generates it), or during a rotation the JSON
 * `{"current": "<b64>", "previous": "<b64>"}`: new values are made with `current`, values made with
 * `previous` still compare and still open (ASSUMPTIONS.md H10).
 */

export type DataKeyPurpose =
  /** Idempotency payload fingerprints (shared/ledger-recording/money-operations.ts). */
  | 'idempotency-fingerprint'
  /** Webhook dedup keys (shared/webhooks/event.ts). */
  | 'webhook-dedup'
  /** AES-256-GCM seal of personal data and card codes at rest (shared/webhooks/seal.ts). */
  | 'seal-personal'
  /** A short public id naming which master key sealed a value (reveals nothing about the key). */
  | 'key-id'
  /** Smoke-event markers and their inbox ids (shared/webhooks/smoke.ts): kept apart from real dedup keys. */
  | 'webhook-smoke';

export interface DataKeyRing {
  current: Buffer;
  previous?: Buffer;
}

export class DataKeyError extends Error {
  override readonly name = 'DataKeyError';
}

const SALT = Buffer.from('p100-suite/data-key/v1');
const MIN_BYTES = 32;

function decodeKey(b64: unknown, what: string): Buffer {
  if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64.trim()))
    throw new DataKeyError(`data key ${what} is not base64; store base64 of ${MIN_BYTES} random bytes`);
  const key = Buffer.from(b64.trim(), 'base64');
  if (key.length < MIN_BYTES) throw new DataKeyError(`data key ${what} has ${key.length} bytes; it needs at least ${MIN_BYTES} random bytes`);
  return key;
}

/**
 * Reads the secret string: plain base64, or `{"current", "previous"?}` during a rotation.
 *
 * @example
 * parseDataKey(randomBytes(32).toString('base64')).current.length // 32
 */
export function parseDataKey(secret: string): DataKeyRing {
  const t = secret.trim();
  if (!t.startsWith('{')) return { current: decodeKey(t, 'value') };
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch {
    throw new DataKeyError('data key secret starts with "{" but is not JSON');
  }
  const o = (parsed ?? {}) as { current?: unknown; previous?: unknown };
  return { current: decodeKey(o.current, '"current"'), ...(o.previous !== undefined ? { previous: decodeKey(o.previous, '"previous"') } : {}) };
}

/**
 * Purpose keys already derived, per master key buffer: HKDF costs more than the HMAC it keys, and the receiver
 * derives the dedup key for every delivery (bench B3). Weak, so a rotated-out master is not kept alive.
 */
const derived = new WeakMap<Buffer, Map<DataKeyPurpose, Buffer>>();

/** The 32-byte key for one purpose, derived from a master key (once per master and purpose). */
export function deriveKey(master: Buffer, purpose: DataKeyPurpose): Buffer {
  let keys = derived.get(master);
  if (!keys) {
    keys = new Map();
    derived.set(master, keys);
  }
  let key = keys.get(purpose);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', master, SALT, Buffer.from(purpose), 32));
    keys.set(purpose, key);
  }
  return key;
}

/** A public 16-hex id of a master key (names the key in sealed values without revealing it). */
export function dataKeyId(master: Buffer): string {
  return deriveKey(master, 'key-id').subarray(0, 8).toString('hex');
}

/** HMAC-SHA256 (hex) of `data` under the purpose key of `master`. */
export function hmacWith(master: Buffer, purpose: DataKeyPurpose, data: string | Buffer): string {
  return createHmac('sha256', deriveKey(master, purpose)).update(data).digest('hex');
}

let override: DataKeyRing | undefined;
let parsedFrom: { secret: string; ring: DataKeyRing } | undefined;

/** Replaces the data key of this process (unit tests); `undefined` goes back to Secrets Manager. */
export function setDataKeyRing(ring: DataKeyRing | undefined): void {
  override = ring;
}

function secretId(): string {
  const id = readEnv(ENV.dataKeySecretId);
  if (!id) throw new DataKeyError(`${ENV.dataKeySecretId} is not set: this function needs the suite's data key`);
  return id;
}

/** The data key ring, from the container's secret cache (TTL, single flight, redacted in logs). */
export async function dataKeyRing(): Promise<DataKeyRing> {
  if (override) return override;
  const secret = await secretCache().get(secretId());
  if (parsedFrom?.secret !== secret) parsedFrom = { secret, ring: parseDataKey(secret) };
  return parsedFrom.ring;
}

/** Starts fetching the data key at cold start (no-op when this function has none). */
export function prefetchDataKey(): Promise<void> {
  return override ? Promise.resolve() : secretCache().prefetch(readEnv(ENV.dataKeySecretId));
}

/**
 * Keyed digest of `data` for one purpose under the current data key: what a fingerprint or dedup key is
 * made of. Never a plain hash, so a low-entropy secret inside `data` cannot be guessed back.
 *
 * @example
 * const key = await digest('webhook-dedup', `${webhook}\n${canonicalJson(entity)}`);
 */
export async function digest(purpose: DataKeyPurpose, data: string | Buffer): Promise<string> {
  return hmacWith((await dataKeyRing()).current, purpose, data);
}

/** The digests of `data` under the current and (during a rotation) the previous key, current first. */
export async function digests(purpose: DataKeyPurpose, data: string | Buffer): Promise<string[]> {
  const ring = await dataKeyRing();
  return [ring.current, ...(ring.previous ? [ring.previous] : [])].map((k) => hmacWith(k, purpose, data));
}

/** Alias of `digest`, for readers who look for an HMAC. */
export const hmac = digest;
