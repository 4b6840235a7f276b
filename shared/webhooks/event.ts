import { canonicalJson } from '../canonical-json.js';
import { HttpProblem } from '../http/problem.js';
import type { WebhookDefinition } from './catalog.js';
import { sha256Hex as sha256Digest, type Digest } from './digest.js';

/**
 * Reading a delivery: the body decoded and parsed exactly once, the optional `{event_type, data}`
 * envelope removed (webhooks.md "Envelope: flat vs wrapped"), and the fields the suite routes on picked
 * out tolerantly. Unknown fields stay in the entity untouched.
 */

/** Larger bodies are refused with 413 (no documented P100 event comes near it). */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text: base64 undone, size and UTF-8 checked (413 / 400). */
export function decodeWebhookBody(body: string | undefined, isBase64Encoded: boolean | undefined): string {
  if (body === undefined || body === '') throw new HttpProblem(400, 'malformed', 'Malformed webhook body', 'the body is empty');
  const bytes = isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.byteLength > MAX_WEBHOOK_BODY_BYTES) {
    throw new HttpProblem(413, 'too-large', 'Webhook body too large', `at most ${MAX_WEBHOOK_BODY_BYTES} bytes`);
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw new HttpProblem(400, 'malformed', 'Malformed webhook body', 'the body is not valid UTF-8');
  }
}

export interface ParsedWebhook {
  envelope: 'flat' | 'wrapped';
  eventType?: string;
  /** The entity: the flat body, or `data` of the envelope. */
  entity: Record<string, unknown>;
  entityId?: string;
  /** Upper-cased (ASSUMPTIONS.md A3); absent for one-shot events or when P100 left it out. */
  status?: string;
  externalUserId?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A string or number field, by its camelCase name or the snake_case spelling third-party code shows. */
function pick(entity: Record<string, unknown>, field: string): string | undefined {
  for (const k of [field, snake(field)]) {
    const v = entity[k];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

/**
 * Deepest nesting of arrays and objects a webhook body may have. No documented P100 event nests beyond 3;
 * the limit keeps every later walk over the body (canonical JSON, splitting secrets) far from the stack's
 * end (issue 11: 10,000 nested arrays overflowed the canonical-JSON recursion and answered 500).
 */
export const MAX_WEBHOOK_DEPTH = 32;

/**
 * The nesting depth of JSON text, counted without recursion and without parsing (strings skipped), so a
 * hostile body is refused before anything walks it.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** Parses the text once; 400 when it is not a JSON object or nests deeper than MAX_WEBHOOK_DEPTH. */
export function parseWebhookBody(def: WebhookDefinition, text: string): ParsedWebhook {
  if (jsonDepth(text) > MAX_WEBHOOK_DEPTH) {
    throw new HttpProblem(400, 'too-deep', 'Webhook body nested too deeply', `at most ${MAX_WEBHOOK_DEPTH} levels of arrays and objects`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpProblem(400, 'malformed', 'Malformed webhook body', 'the body is not valid JSON');
  }
  if (!isRecord(json)) throw new HttpProblem(400, 'malformed', 'Malformed webhook body', 'the body must be a JSON object');
  const wrapped = typeof json.event_type === 'string' && isRecord(json.data);
  const entity = wrapped ? (json.data as Record<string, unknown>) : json;
  const entityId = pick(entity, def.entityIdField);
  const status = def.statusField ? pick(entity, def.statusField)?.toUpperCase() : undefined;
  const externalUserId = pick(entity, 'externalUserId');
  return {
    envelope: wrapped ? 'wrapped' : 'flat',
    ...(wrapped ? { eventType: json.event_type as string } : {}),
    entity,
    ...(entityId !== undefined ? { entityId } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(externalUserId !== undefined ? { externalUserId } : {}),
  };
}

/**
 * The dedup key of a delivery, and the ONLY place one is computed: a keyed HMAC (`hmac`, the data key's
 * `webhook-dedup` key; see shared/secrets/data-key.ts `digest`) of the webhook name, the canonical entity
 * and the occurrence number. Keyed, never a plain hash: the entity may hold a 6-digit card code or a PAN,
 * which a plain SHA-256 would give back to anyone who tries every value (issue 12). A P100 retry carries
 * the same body, so it finds the same key; flat and wrapped deliveries of the same entity do too. Entity
 * id and status are part of the body, so a new status is a new key.
 *
 * `occurrence` 0 is the first time a body is seen; an identical body that arrives after the entity's state
 * moved on is a new event (ASSUMPTIONS.md E9) and is stored under occurrence 1, 2, ... (shared/store/inbox.ts).
 */
export function dedupKey(def: WebhookDefinition, entity: Record<string, unknown>, hmac: (data: string) => string, occurrence = 0): string {
  return hmac(`${def.name}\n${canonicalJson(entity)}${occurrence > 0 ? `\n#${occurrence}` : ''}`);
}

/**
 * The eventId of a state reconciliation published (shared/reconcile/repair.ts): the same run repairing
 * the same entity to the same status always gives the same id, so consumers dedupe a re-published repair.
 * Computed by `dedupKey` over a synthetic entity, so every key of the webhook path has one formula; a plain
 * digest is enough here because the synthetic entity holds no secret (run id, entity id, status).
 */
export function repairEventId(def: WebhookDefinition, runId: string, entityId: string, status: string, hash: Digest = sha256Digest): string {
  return dedupKey(def, { source: 'reconciliation', runId, entityId, status }, hash);
}
