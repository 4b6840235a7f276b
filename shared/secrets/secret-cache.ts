import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ENV, readEnv } from '../config/env.js';
import { registerSecretValue } from '../log/redact.js';

export interface SecretCacheOptions {
  /** Seconds a value stays fresh in this container (default 300). */
  ttlSeconds?: number;
  client?: Pick<SecretsManagerClient, 'send'>;
  now?: () => number;
}

interface Entry {
  value?: string;
  fetchedAt: number;
  inflight?: Promise<string>;
}

/**
 * Secrets Manager values cached per container.
 *
 * Written here rather than with Powertools Parameters because we need two things it does not give in one
 * call: single-flight fetches (a burst of cold requests makes one Secrets Manager call, not N) and a forced
 * refresh that callers trigger when P100 answers 401 after a key rotation. Every value fetched is also
 * registered with the log redactor.
 */
export class SecretCache {
  readonly #client: Pick<SecretsManagerClient, 'send'>;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  /** Secrets Manager calls made by this cache (benchmark B5 reads it). */
  fetchCount = 0;

  constructor(options: SecretCacheOptions = {}) {
    const ttl = options.ttlSeconds ?? 300;
    if (!Number.isFinite(ttl) || ttl < 0) throw new Error(`SecretCache: ttlSeconds must be >= 0, got ${ttl}`);
    this.#ttlMs = ttl * 1000;
    this.#client = options.client ?? new SecretsManagerClient({});
    this.#now = options.now ?? Date.now;
  }

  /** The value, from the cache while fresh; otherwise fetched once however many callers wait. */
  get(secretId: string): Promise<string> {
    const e = this.#entries.get(secretId);
    if (e?.value !== undefined && this.#now() - e.fetchedAt < this.#ttlMs) return Promise.resolve(e.value);
    if (e?.inflight) return e.inflight;
    return this.#fetch(secretId);
  }

  /** Fetches again now, ignoring the cache (used once after a P100 401: the key may have rotated). */
  refresh(secretId: string): Promise<string> {
    const e = this.#entries.get(secretId);
    if (e?.inflight) return e.inflight;
    return this.#fetch(secretId);
  }

  /** Starts fetching at cold start so the first request does not wait; errors surface on first use. */
  prefetch(secretId: string | undefined): Promise<void> {
    if (!secretId) return Promise.resolve();
    // Settles either way: a failed prefetch is forgotten and the first request that needs the secret fetches it.
    return this.get(secretId).then(
      () => undefined,
      () => {
        this.#entries.delete(secretId);
      },
    );
  }

  #fetch(secretId: string): Promise<string> {
    const prev = this.#entries.get(secretId);
    const inflight = (async () => {
      this.fetchCount++;
      const out = await this.#client.send(new GetSecretValueCommand({ SecretId: secretId }));
      const value = out.SecretString;
      if (value === undefined || value === '') throw new Error(`Secret ${secretId} has no string value`);
      registerSecretValue(value);
      this.#entries.set(secretId, { value, fetchedAt: this.#now() });
      return value;
    })();
    this.#entries.set(secretId, { value: prev?.value, fetchedAt: prev?.fetchedAt ?? 0, inflight });
    inflight.catch(() => {
      const cur = this.#entries.get(secretId);
      if (cur?.inflight === inflight) this.#entries.set(secretId, { value: prev?.value, fetchedAt: prev?.fetchedAt ?? 0 });
    });
    return inflight;
  }
}

/**
 * Reads the P100 API key from a secret string: the key itself, or JSON `{ "apiKey": "..." }`.
 */
export function apiKeyFromSecret(secret: string): string {
  const t = secret.trim();
  if (t.startsWith('{')) {
    const parsed: unknown = JSON.parse(t);
    if (parsed && typeof parsed === 'object' && 'apiKey' in parsed && typeof parsed.apiKey === 'string') return parsed.apiKey;
    throw new Error('API key secret is JSON but has no string "apiKey" field');
  }
  return t;
}

let shared: SecretCache | undefined;

/** The container-wide cache (one per Lambda container), TTL from SECRET_CACHE_TTL_SECONDS. */
export function secretCache(): SecretCache {
  shared ??= new SecretCache({ ttlSeconds: Number(readEnv(ENV.secretCacheTtlSeconds) ?? 300) });
  return shared;
}

/** Replaces the container-wide cache (tests, the local runner). */
export function setSecretCache(cache: SecretCache | undefined): void {
  shared = cache;
}
