import { createHash } from 'node:crypto';
import { isSafeId, safeIdProblem, safeStatusProblem } from './safe-id-rule.js';

export {
  isSafeId,
  SAFE_ID_MAX_LENGTH,
  SAFE_ID_PATTERN,
  SAFE_STATUS_MAX_LENGTH,
  SAFE_STATUS_PATTERN,
  safeIdProblem,
  safeStatusProblem,
} from './safe-id-rule.js';

/**
 * The unsafe fields of one P100 item, as `field: reason` lines (empty when every field passes). `ids` are
 * checked with the id rule, `statuses` with the status rule; `optional` ids may be absent (undefined/null).
 */
export function unsafeFields(
  item: Readonly<Record<string, unknown>>,
  fields: { ids?: readonly string[]; optionalIds?: readonly string[]; statuses?: readonly string[] },
): string[] {
  const out: string[] = [];
  for (const f of fields.ids ?? []) {
    const p = safeIdProblem(item[f]);
    if (p) out.push(`${f}: ${p}`);
  }
  for (const f of fields.optionalIds ?? []) {
    const v = item[f];
    if (v === undefined || v === null) continue;
    const p = safeIdProblem(v);
    if (p) out.push(`${f}: ${p}`);
  }
  for (const f of fields.statuses ?? []) {
    const p = safeStatusProblem(item[f]);
    if (p) out.push(`${f}: ${p}`);
  }
  return out;
}

/**
 * What may stand for an id in a key, a report or a log line: the id itself when it is safe, otherwise
 * `unsafe:<first 16 hex of its SHA-256>` (the same value always gives the same stand-in, so a quarantined
 * item is found again by the next run, and the raw value never travels).
 */
export function safeIdOrDigest(v: unknown): string {
  if (isSafeId(v)) return v;
  const raw = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return `unsafe:${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`;
}

/** A value from P100 that fails the safe-id rule: the item is quarantined or parked, never applied. */
export class UnsafeP100ValueError extends Error {
  override readonly name = 'UnsafeP100ValueError';
  constructor(
    readonly where: string,
    readonly problems: readonly string[],
  ) {
    super(`${where}: ${problems.join('; ')} (the safe-id rule, shared/safe-id.ts); the item is quarantined, not applied`);
  }
}

/** Throws UnsafeP100ValueError when any of the fields fails the rule (see `unsafeFields`). */
export function assertSafeFields(where: string, item: Readonly<Record<string, unknown>>, fields: Parameters<typeof unsafeFields>[1]): void {
  const problems = unsafeFields(item, fields);
  if (problems.length) throw new UnsafeP100ValueError(where, problems);
}
