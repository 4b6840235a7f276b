import { createHash } from 'node:crypto';

/**
 * The one digest every dedup key of the webhook path goes through (shared/webhooks/event.ts `dedupKey`).
 * Kept this small on purpose: switching it to a keyed HMAC (key from Secrets Manager) is a change here
 * and in the callers that pass it, nothing else.
 *
 * @example
 * digest('exchange\n{"exchangeId":"e1","status":"COMPLETED"}') // 64 hex characters
 */
export type Digest = (text: string) => string;

export const digest: Digest = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
