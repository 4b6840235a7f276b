/**
 * Ours and P100's values of one discrepancy, field by field (issue 26): the exception routes answer it, and
 * the console's run page draws the same rows from a report (no imports here, so the page's bundle stays small).
 */
export interface FieldDiff {
  field: string;
  ours: unknown;
  theirs: unknown;
  differs: boolean;
}

/** Ours and P100's values side by side, one row per field either has; differing rows first, then by name. */
export function fieldDiff(ours: Record<string, unknown> | null, theirs: Record<string, unknown> | null): FieldDiff[] {
  const fields = [...new Set([...Object.keys(ours ?? {}), ...Object.keys(theirs ?? {})])];
  const rows = fields.map((field) => {
    const a = ours ? ours[field] : undefined;
    const b = theirs ? theirs[field] : undefined;
    return { field, ours: a ?? null, theirs: b ?? null, differs: JSON.stringify(a ?? null) !== JSON.stringify(b ?? null) };
  });
  return rows.sort((x, y) => Number(y.differs) - Number(x.differs) || x.field.localeCompare(y.field));
}
