import { Errors } from './errors.js';
import { findCurrency, type CurrencyDef } from '../state/currencies.js';
import { parseAmount } from '../decimal.js';

/**
 * Field checks shared by the P100 routes. Each throws P403 naming the field, the way a strict
 * upstream would; absent optional fields return undefined.
 */
type Body = Record<string, unknown>;

export function reqString(body: Body, field: string, maxLen = 256): string {
  const v = body[field];
  if (typeof v !== 'string' || v.trim() === '') throw Errors.validation(`${field} is required`);
  if (v.length > maxLen) throw Errors.validation(`${field} is too long`);
  return v;
}

export function optString(body: Body, field: string, maxLen = 256): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > maxLen) throw Errors.validation(`${field} must be a string`);
  return v;
}

/** Enum check, case-insensitive (the reference shows both casings); returns the canonical value. */
export function reqEnum<T extends string>(body: Body, field: string, values: readonly T[]): T {
  const v = body[field];
  if (typeof v !== 'string') throw Errors.validation(`${field} is required (one of ${values.join(', ')})`);
  const found = values.find((x) => x === v.trim().toUpperCase());
  if (!found) throw Errors.validation(`${field} must be one of ${values.join(', ')}`);
  return found;
}

export function optEnum<T extends string>(body: Body, field: string, values: readonly T[]): T | undefined {
  return body[field] === undefined || body[field] === null ? undefined : reqEnum(body, field, values);
}

export function reqCurrency(body: Body, field = 'currency'): CurrencyDef {
  const v = body[field];
  if (v === undefined || v === null || v === '') throw Errors.validation(`${field} is required`);
  const cur = findCurrency(v);
  if (!cur) throw Errors.invalidCurrency();
  return cur;
}

/** Positive amount, string or number, no more decimals than the currency has. */
export function reqAmount(body: Body, cur: CurrencyDef, field = 'amount'): bigint {
  const v = body[field];
  if (v === undefined || v === null || v === '') throw Errors.validation(`${field} is required`);
  const units = parseAmount(v, cur.scale);
  if (units === null) throw Errors.validation(`${field} must be a positive decimal with at most ${cur.scale} decimals`);
  return units;
}

export function reqCountry(body: Body, field: string): string {
  const v = reqString(body, field, 2);
  if (!/^[A-Za-z]{2}$/.test(v)) throw Errors.validation(`${field} must be an ISO 3166-1 alpha-2 code`);
  return v.toUpperCase();
}

export function optCountry(body: Body, field: string): string | undefined {
  return body[field] === undefined || body[field] === null ? undefined : reqCountry(body, field);
}

export function reqDate(body: Body, field: string): string {
  const v = reqString(body, field, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw Errors.validation(`${field} must be YYYY-MM-DD`);
  return v;
}

export function optDate(body: Body, field: string): string | undefined {
  return body[field] === undefined || body[field] === null ? undefined : reqDate(body, field);
}

/** Query parameters as a body-like record, so the same checks apply to GET routes. */
export function queryRecord(q: URLSearchParams): Body {
  const out: Body = {};
  for (const [k, v] of q) out[k] = v;
  return out;
}

const IBAN_RE = /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/;

/** IBAN shape check (country + check digits + BBAN); spaces are ignored. */
export function reqIban(body: Body, field: string): string {
  const v = reqString(body, field, 64).replace(/\s+/g, '').toUpperCase();
  if (!IBAN_RE.test(v)) throw Errors.validation(`${field} is not a valid IBAN`);
  return v;
}

export function normaliseIban(v: string): string {
  return v.replace(/\s+/g, '').toUpperCase();
}
