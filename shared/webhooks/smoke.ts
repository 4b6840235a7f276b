import { timingSafeEqual } from 'node:crypto';
import { hmacWith, type DataKeyRing } from '../secrets/data-key.js';

/**
 * Smoke events (issue 19, ASSUMPTIONS.md L1): `npm run smoke` proves a deployed suite receives and
 * processes a webhook by sending one itself, with the real token, through the real receiver, queue and
 * processor. So that it never reaches the ledger or the company's consumers, the delivery carries a marker
 * the processor recognises: it records the outcome `{applied: false, reason: "smoke"}`, marks the event
 * PROCESSED, and applies and publishes nothing.
 *
 * Why the marker cannot be abused:
 * - It is checked only after the webhook token (no token: 401 as always).
 * - It is an HMAC of the webhook name and the exact body under the data key's `webhook-smoke` purpose key.
 *   P100 holds the webhook token but never the data key, so neither P100 nor anyone who stole the token
 *   can mark a body as smoke; a marker that does not verify is refused (400, nothing stored), never treated
 *   as "no marker", and a marker is bound to its body, so it cannot be moved onto another event.
 * - A smoke event's inbox id is derived under the same smoke key, never under the dedup key real
 *   deliveries use: a smoke event cannot occupy the id of a real event, so a real delivery with the very
 *   same body afterwards is stored, applied and published as usual (it cannot be "deduplicated away").
 */

/** The request header carrying the marker (API Gateway lower-cases header names). */
export const SMOKE_HEADER = 'x-p100-suite-smoke';

const markerOf = (master: Buffer, webhook: string, body: string): string => hmacWith(master, 'webhook-smoke', `marker\n${webhook}\n${body}`);

/**
 * The marker of one smoke delivery: the smoke command computes it with the data key it read from Secrets Manager.
 *
 * @example
 * const marker = smokeMarker(parseDataKey(secret).current, 'exchange', body); // header x-p100-suite-smoke
 */
export function smokeMarker(master: Buffer, webhook: string, body: string): string {
  return markerOf(master, webhook, body);
}

/** True when `marker` is the smoke marker of this body under the current or (during a rotation) previous data key. */
export function verifySmokeMarker(ring: DataKeyRing, webhook: string, body: string, marker: string): boolean {
  const given = Buffer.from(marker.trim(), 'utf8');
  let ok = false;
  for (const key of [ring.current, ...(ring.previous ? [ring.previous] : [])]) {
    const expected = Buffer.from(markerOf(key, webhook, body), 'utf8');
    // Every candidate compared in constant time, none skipped: the answer's timing says nothing about which.
    ok = (given.length === expected.length && timingSafeEqual(given, expected)) || ok;
  }
  return ok;
}

/** The inbox id of a smoke event: under the smoke key, in the same 64-hex form as every inbox id. */
export function smokeEventKey(master: Buffer): (data: string) => string {
  return (data) => hmacWith(master, 'webhook-smoke', `event\n${data}`);
}
