// The rule alone, with no Node import: the console's browser bundle masks with restView, which keeps safe ids.
/**
 * The one rule for a safe entity id (issue 23, ASSUMPTIONS.md S1-S3): every id and status that arrives from
 * P100 (a webhook body, a history entry, a details answer) passes it before it reaches a DynamoDB key, a P100
 * URL or a log line. What fails it is parked with a flag (inbox) or quarantined (reconciliation), never
 * written to the ledger.
 *
 * An id is a JSON string (a number where an id belongs is refused: P100 issues string ids, and `12` and
 * `"12"` must not become one key), 1 to 128 characters of `A-Z a-z 0-9 . _ : @ -` starting with a letter or
 * digit: the characters of the company-facing `p100Id` and `externalUserId` parameters together
 * (catalog/schemas.ts; `@` only occurs in the latter), so an id we store can always be asked about. ASCII only: two ids that differ only in Unicode normalisation cannot both exist,
 * and nothing anywhere folds case, so ids that differ only in case stay two ids. Names of `Object.prototype`
 * (`constructor`, `toString`, ...) are refused too: they are not P100 ids and would be a property, not a
 * value, wherever code indexes a plain object by id.
 *
 * @example
 * safeIdProblem('bx-1\u0000\r\nX-Injected: 1') // 'control characters'
 * safeIdProblem('8d0c5d3e-2f0a-4a7b-9d1e-0c1f2a3b4c5d') // undefined
 */
export const SAFE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;
export const SAFE_ID_MAX_LENGTH = 128;

/** A status or type word from P100 (`PENDING`, `CARD_TRANSACTION`), compared upper-cased. */
export const SAFE_STATUS_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
export const SAFE_STATUS_MAX_LENGTH = 64;

const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this pattern is for
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function shapeProblem(v: unknown, pattern: RegExp, max: number): string | undefined {
  if (typeof v !== 'string') return v === undefined || v === null ? 'missing' : `a ${Array.isArray(v) ? 'array' : typeof v}, not a string`;
  if (v.length === 0) return 'empty';
  if (v.length > max) return `longer than ${max} characters (${v.length})`;
  if (CONTROL.test(v)) return 'control characters';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
  if (/[^\u0000-\u007f]/.test(v)) return 'non-ASCII characters';
  if (!pattern.test(v)) return 'separators or other characters outside the safe set';
  if (PROTOTYPE_NAMES.has(v)) return 'a prototype property name';
  return undefined;
}

/** Why `v` is not a safe entity id, or undefined when it is. */
export function safeIdProblem(v: unknown): string | undefined {
  return shapeProblem(v, SAFE_ID_PATTERN, SAFE_ID_MAX_LENGTH);
}

/** Why `v` is not a safe status (or history type) word, or undefined when it is. */
export function safeStatusProblem(v: unknown): string | undefined {
  return shapeProblem(v, SAFE_STATUS_PATTERN, SAFE_STATUS_MAX_LENGTH);
}

export const isSafeId = (v: unknown): v is string => safeIdProblem(v) === undefined;
