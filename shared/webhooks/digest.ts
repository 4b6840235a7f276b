import { createHash } from 'node:crypto';

/**
 * A digest the webhook path's keys go through (shared/webhooks/event.ts `dedupKey`). Delivery dedup keys
 * use the data key's keyed HMAC (shared/secrets/data-key.ts `hmacWith(ring, 'webhook-dedup', ...)`), never a
 * plain hash; the plain SHA-256 here serves only reconciliation repair ids, whose input holds no secret
 * (run id, entity id, status) and whose job has no data key.
 *
 * @example
 * sha256Hex('exchange\n{"entityId":"e1","runId":"r1","source":"reconciliation","status":"COMPLETED"}') // 64 hex characters
 */
export type Digest = (text: string) => string;

export const sha256Hex: Digest = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
