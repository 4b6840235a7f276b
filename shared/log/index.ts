export { logger } from './logger.js';
export { redactDeep, registerSecretValue, maskPan } from './redact.js';
