import { Logger } from '@aws-lambda-powertools/logger';
import { redactingReplacer } from './redact.js';

/**
 * The suite's structured JSON logger: Powertools Logger with our redaction as its JSON replacer, so no
 * call site can forget it. Log level from POWERTOOLS_LOG_LEVEL (default INFO).
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'p100-suite',
  jsonReplacerFn: redactingReplacer,
});
