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

/** Field names (case-insensitive, `-`/`_` ignored) whose values never appear in logs. */
const SENSITIVE_KEYS = new Set(
  [
    'x-api-key', 'apiKey', 'authorization', 'token', 'webhookToken', 'secret', 'secretString', 'password',
    'cardNumber', 'pan', 'pin', 'cvv', 'cvc', 'exp', 'expiry', 'code', 'activationCode', 'threeDsCode',
    'iban', 'destinationIban', 'senderIban', 'documentNumber', 'pesel', 'userIdentificationNumber',
    'file', 'files', 'fileContent', 'content', 'base64', 'body', 'rawBody',
  ].map(normaliseKey),
);

function normaliseKey(k: string): string {
  return k.toLowerCase().replace(/[-_]/g, '');
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

// IBAN: two letters, two digits, 11–30 alphanumerics (spaces allowed in the printed form).
const IBAN_RE = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b/g;
// Card numbers: 13–19 digits, optionally grouped by spaces or dashes; only Luhn-valid runs are card numbers
// (every issued PAN passes Luhn), which spares timestamps, phone numbers and most ids.
const PAN_RE = /\b\d(?:[ -]?\d){12,18}\b/g;
// UUIDs are ids, not card numbers, even when their first groups are all digits: they are never scanned.
const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function redactPans(s: string): string {
  return s.replace(PAN_RE, (m) => (luhnValid(m.replace(/[ -]/g, '')) ? REDACTED : m));
}

/** Scrubs secret-looking substrings from a string. */
export function redactString(s: string): string {
  let out = s;
  for (const v of secretValues) if (out.includes(v)) out = out.split(v).join(REDACTED);
  out = out.replace(IBAN_RE, REDACTED);
  if (!/\d{4}/.test(out)) return out;
  // Scan only the text between UUIDs for card numbers.
  let result = '';
  let last = 0;
  for (const m of out.matchAll(UUID_RE)) {
    result += redactPans(out.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return result + redactPans(out.slice(last));
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

/** Card number as we may store or show it: first 6 and last 4 digits (PCI DSS truncation). */
export function maskPan(pan: string): string {
  const digits = pan.replace(/\D/g, '');
  if (digits.length < 12) return REDACTED;
  return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`;
}
