import { fieldsOfClass, LOG_ONLY_SENSITIVE_KEYS, normaliseFieldName } from '../classification/fields.js';
import { luhnValid, maskPan, replaceSensitiveValues } from '../classification/detect.js';

/**
 * Redaction for everything the suite writes to logs and error bodies.
 *
 * Two layers, because one is not enough for money and identity data:
 * 1. by key: any field whose name is sensitive is replaced, whatever its value;
 * 2. by value: strings are scanned for registered secret values (the API key and webhook token, as
 *    fetched), IBAN-shaped and card-number-shaped substrings, so a secret smuggled into a free-text field
 *    or an upstream error message is still caught.
 */

export const REDACTED = '[REDACTED]';

/**
 * Field names (case-insensitive, `-`/`_` ignored) whose values never appear in logs: every field the data
 * classification (shared/classification) calls secret or personal, and the request plumbing that carries
 * whole bodies or files.
 */
const SENSITIVE_KEYS = new Set([...fieldsOfClass('secret'), ...fieldsOfClass('personal'), ...LOG_ONLY_SENSITIVE_KEYS].map(normaliseFieldName));

function normaliseKey(k: string): string {
  return normaliseFieldName(k);
}

const secretValues = new Set<string>();

/** Registers a secret value (API key, webhook token) so it is scrubbed from any string that carries it. */
export function registerSecretValue(value: string): void {
  if (value.length >= 6) secretValues.add(value);
}

export function isSensitiveKey(key: string, extra: readonly string[] = []): boolean {
  const k = normaliseKey(key);
  return SENSITIVE_KEYS.has(k) || extra.some((e) => normaliseKey(e) === k);
}

/** Scrubs secret-looking substrings from a string. */
export function redactString(s: string): string {
  let out = s;
  for (const v of secretValues) if (out.includes(v)) out = out.split(v).join(REDACTED);
  // IBANs and Luhn-valid card numbers, by value (the detectors live with the classification).
  return replaceSensitiveValues(out, REDACTED);
}

/** A deep copy of `value` with sensitive keys and secret-looking strings redacted. */
export function redactDeep(value: unknown, extraKeys: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 12) return '[TRUNCATED]';
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, extraKeys, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSensitiveKey(k, extraKeys) ? REDACTED : redactDeep(v, extraKeys, depth + 1);
  }
  return out;
}

/** `JSON.stringify` replacer with the same rules, for the Powertools logger. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && isSensitiveKey(key)) return REDACTED;
  if (typeof value === 'string') return redactString(value);
  return value;
}

/** Card number as we may store or show it: first 6 and last 4 digits (kept here for existing imports). */
export { luhnValid, maskPan };
