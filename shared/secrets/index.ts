export { SecretCache, apiKeyFromSecret, secretCache, setSecretCache } from './secret-cache.js';
export type { SecretCacheOptions } from './secret-cache.js';
export { dataKeyId, dataKeyRing, DataKeyError, deriveKey, digest, digests, hmac, hmacWith, parseDataKey, prefetchDataKey, setDataKeyRing } from './data-key.js';
export type { DataKeyPurpose, DataKeyRing } from './data-key.js';
