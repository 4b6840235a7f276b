import { isSafeId } from '../safe-id-rule.js';
import { luhnValid, maskEmail, maskIban, maskPan, maskSensitiveValues } from './detect.js';
import { classify, normaliseFieldName, type PersonalKind } from './fields.js';

/**
 * The rules that follow from the classification, for everything that rests or travels (DynamoDB items,
 * queue messages, bus events, reports, problem bodies):
 * - secret: never at rest. Dropped; a PAN is kept as 6+4 only; a one-time code that must reach the company
 *   app is sealed (webhooks only, see `protectWebhookEntity`).
 * - personal: masked where it rests in clear (and where an operator or a consumer sees it); webhook
 *   fields are also sealed beside the masked copy, so the original can be opened by the suite if needed.
 * - public: kept, but every string is scanned by value: a Luhn-valid PAN or an IBAN inside a title, a
 *   merchant name or an unexpected field is masked in place.
 * Logs follow the stricter rule of shared/log/redact.ts (non-public values replaced entirely).
 */

/** How a personal value of each kind is shown when masked: enough for an operator to recognise, not to use. */
export function maskPersonal(kind: PersonalKind, value: string): string {
  const v = value.trim();
  const tail = (n: number) => (v.length > n * 3 ? `${'*'.repeat(Math.max(3, v.length - n))}${v.slice(-n)}` : '***');
  switch (kind) {
    case 'iban':
      return maskIban(v);
    case 'name':
      return v ? `${v.slice(0, 1)}***` : v;
    case 'email':
      return maskEmail(v);
    case 'phone':
    case 'document-number':
    case 'national-id':
      return tail(2);
    case 'wallet-address':
      return v.length > 12 ? `${v.slice(0, 6)}***${v.slice(-4)}` : '***';
    case 'birth-date':
    case 'document-date':
      return '****-**-**';
    case 'address':
      return '***';
  }
}

/**
 * An identifier field (`externalUserId`, an entity id) is a key the suite routes by: masking a Luhn-valid digit
 * run or an e-mail inside `jane-1796701665145` at rest would hand the processor a key that matches nothing, and
 * the event would be lost (ASSUMPTIONS S6). So a safe id in an id field is kept as given, unless the whole value
 * is a card number (digits alone, optionally grouped), which is masked as everywhere else.
 */
function isKeptId(v: unknown): v is string {
  return isSafeId(v) && !(/^\d[\d -]{11,}\d$/.test(v) && luhnValid(v.replace(/[ -]/g, '')));
}

/**
 * Sets an own, enumerable property: `out[k] = v` would call the `__proto__` setter for a field of that name
 * (legal JSON, kept by JSON.parse as an own property), dropping the field or replacing the prototype.
 */
function setOwn(out: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/**
 * The copy of `value` that may rest or travel: secrets dropped (a PAN as 6+4), personal values masked,
 * PANs and IBANs inside any other string masked. Deep; arrays and nested objects included.
 *
 * @example
 * restView({ pin: '1234', cardNumber: '5412751234123452', title: 'rent DE89370400440532013000' })
 * // { cardNumber: '541275******3452', title: 'rent DE89**************3000' }
 */
export function restView(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskSensitiveValues(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 16) return '[TRUNCATED]';
  if (Array.isArray(value)) return value.map((v) => restView(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const c = classify(k);
    if (c?.class === 'secret') {
      if (c.kind === 'pan' && (typeof v === 'string' || typeof v === 'number')) setOwn(out, k, maskPan(String(v)));
      continue;
    }
    if (c?.class === 'public' && c.kind === 'id' && isKeptId(v)) {
      setOwn(out, k, v);
      continue;
    }
    if (c?.class === 'personal') {
      setOwn(out, k, typeof v === 'string' || typeof v === 'number' ? maskPersonal(c.kind, String(v)) : v === null || v === undefined ? v : '***');
      continue;
    }
    setOwn(out, k, restView(v, depth + 1));
  }
  return out;
}

export interface ProtectedEntity {
  /** What may be stored in clear: the rest view of the entity. */
  clear: Record<string, unknown>;
  /** Original values to seal: personal fields and the secrets that must be delivered. Empty: nothing to seal. */
  toSeal: Record<string, unknown>;
  /** Names of secret fields that were dropped (for a log line or a metric, never their values). */
  dropped: string[];
}

/**
 * Splits a webhook entity for the inbox: the clear part (rest view), the values to seal (personal fields,
 * and of the secrets only those in `deliver`, e.g. the card codes the company app must show), and the
 * names of the secrets dropped (a CVV or PIN P100 should never have sent).
 */
export function protectWebhookEntity(entity: Record<string, unknown>, deliver: readonly string[]): ProtectedEntity {
  const delivered = new Set(deliver.map(normaliseFieldName));
  const clear: Record<string, unknown> = {};
  const toSeal: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(entity)) {
    const c = classify(k);
    if (c?.class === 'secret' && delivered.has(normaliseFieldName(k))) {
      setOwn(toSeal, k, v);
      continue;
    }
    if (c?.class === 'personal') {
      if (v !== null && v !== undefined) setOwn(toSeal, k, v);
      const masked = restView({ [k]: v }) as Record<string, unknown>;
      setOwn(clear, k, masked[k]);
      continue;
    }
    if (c?.class === 'secret') {
      dropped.push(k);
      if (c.kind === 'pan' && (typeof v === 'string' || typeof v === 'number')) setOwn(clear, k, maskPan(String(v)));
      continue;
    }
    setOwn(clear, k, c?.class === 'public' && c.kind === 'id' && isKeptId(v) ? v : restView(v));
  }
  return { clear, toSeal, dropped };
}
