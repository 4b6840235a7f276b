import type { z } from 'zod';
import type { FieldProblem } from './problem.js';

/** Turns zod issues into one problem entry per bad field (RFC 9457 extension `errors`). */
export function issuesToProblems(where: FieldProblem['in'], issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  const seen = new Set<string>();
  const out: FieldProblem[] = [];
  for (const issue of issues) {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    const key = `${where}:${field}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // Unknown keys come as one issue listing them all: report each as its own field.
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out.push({ in: where, field: field === '(root)' ? k : `${field}.${k}`, message: 'unknown field' });
      continue;
    }
    out.push({ in: where, field, message: issue.message });
  }
  return out;
}

/** Validates `value` with `schema`, collecting problems instead of throwing. */
export function check<T extends z.ZodType>(where: FieldProblem['in'], schema: T, value: unknown, problems: FieldProblem[]): z.output<T> | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  problems.push(...issuesToProblems(where, r.error.issues));
  return undefined;
}
