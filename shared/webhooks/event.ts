import { HttpProblem } from '../http/problem.js';
import type { WebhookDefinition } from './catalog.js';

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

/** Parses the text once; 400 when it is not a JSON object. */
export function parseWebhookBody(def: WebhookDefinition, text: string): ParsedWebhook {
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

/** JSON with object keys sorted at every level: the same event always prints the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Splits the entity into what may be stored in clear and the secret fields (sealed before storing). */
export function splitSecrets(def: WebhookDefinition, entity: Record<string, unknown>): { clear: Record<string, unknown>; secrets: Record<string, unknown> } {
  const clear: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  const secretNames = new Set(def.secretFields.flatMap((f) => [f, snake(f)]));
  for (const [k, v] of Object.entries(entity)) (secretNames.has(k) ? secrets : clear)[k] = v;
  return { clear, secrets };
}

/**
 * The dedup key of a delivery: a keyed HMAC (`hmac`, the data key's `webhook-dedup` key; see
 * shared/secrets/data-key.ts `digest`) of the webhook name and the canonical entity. Keyed, never a plain
 * hash: the entity may hold a 6-digit card code or a PAN, which a plain SHA-256 would give back to anyone
 * who tries every value (issue 12). A P100 retry carries the same body, so it finds the same key; flat and
 * wrapped deliveries of the same entity do too. Entity id and status (the natural key of webhooks.md
 * "Idempotency guidance") are part of the body, so a new status is a new key.
 */
export function dedupKey(def: WebhookDefinition, entity: Record<string, unknown>, hmac: (data: string) => string): string {
  return hmac(`${def.name}\n${canonicalJson(entity)}`);
}
