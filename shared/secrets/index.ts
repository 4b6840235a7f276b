export { SecretCache, apiKeyFromSecret, secretCache, setSecretCache } from './secret-cache.js';
export { dataKeyId, DataKeyError, digest, digests, hmacWith, parseDataKey, setDataKeyRing } from './data-key.js';
