/** One step of the preflight or the smoke test: passed, or failed with what to do about it. */
export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was found; never a secret value. */
  detail: string;
  /** What to do when it failed (commands, the policy to attach, the runbook entry). */
  fix?: string;
}

/**
 * The lines a person reads: `PASS`/`FAIL`, the step, what was found, and under a failure its fix.
 *
 * @example
 * formatResults([{ name: 'credentials', ok: true, detail: 'account 123456789012' }]) // ['PASS  credentials: account 123456789012', ...]
 */
export function formatResults(results: readonly CheckResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name}: ${r.detail}`);
    if (!r.ok && r.fix) for (const l of r.fix.split('\n')) lines.push(`      fix: ${l}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  lines.push(failed ? `${failed} of ${results.length} checks failed` : `all ${results.length} checks passed`);
  return lines;
}
