import { ENV, readEnv } from '../config/env.js';
import { SecretCache } from './secret-cache.js';

export { SecretCache, apiKeyFromSecret } from './secret-cache.js';
export type { SecretCacheOptions } from './secret-cache.js';

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

export { dataKeyId, dataKeyRing, DataKeyError, deriveKey, digest, digests, hmac, hmacWith, parseDataKey, prefetchDataKey, setDataKeyRing } from './data-key.js';
export type { DataKeyPurpose, DataKeyRing } from './data-key.js';
