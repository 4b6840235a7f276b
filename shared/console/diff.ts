/**
 * Ours and P100's values of one discrepancy, field by field (issue 26): the exception routes answer it, and
 * the console's run page draws the same rows from a report (no imports here, so the page's bundle stays small).
 */
export interface FieldDiff {
  field: string;
  ours: unknown;
  theirs: unknown;
  differs: boolean;
  /** false for bookkeeping (when each side wrote it, P100's entry id): expected to differ, not the discrepancy. */
  compared: boolean;
}

/** Fields each side stamps for itself: shown, never the cause. */
const BOOKKEEPING = new Set(['createdAt', 'updatedAt', 'historyEntryId']);

/** One row per field either side has: compared fields that differ first, then the other compared ones, bookkeeping last. */
export function fieldDiff(ours: Record<string, unknown> | null, theirs: Record<string, unknown> | null): FieldDiff[] {
  const fields = [...new Set([...Object.keys(ours ?? {}), ...Object.keys(theirs ?? {})])];
  const rows = fields.map((field) => {
    const a = ours ? ours[field] : undefined;
    const b = theirs ? theirs[field] : undefined;
    return { field, ours: a ?? null, theirs: b ?? null, differs: JSON.stringify(a ?? null) !== JSON.stringify(b ?? null), compared: !BOOKKEEPING.has(field) };
  });
  const rank = (r: FieldDiff) => (r.compared ? (r.differs ? 0 : 1) : 2);
  return rows.sort((x, y) => rank(x) - rank(y) || x.field.localeCompare(y.field));
}
