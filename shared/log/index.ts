export { logger } from './logger.js';
export { redactDeep, redactString, registerSecretValue, maskPan, isSensitiveKey, REDACTED } from './redact.js';
