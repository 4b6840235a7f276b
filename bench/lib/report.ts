import { writeFileSync } from 'node:fs';

/** One benchmark's outcome. `status` is MET / MISSED (with the reason) / NOT MEASURED (with the reason). */
export interface BenchResult {
  id: string;
  what: string;
  target: string;
  /** The headline figure(s), human-readable, e.g. "added p50 0.41 ms, p99 1.2 ms". */
  figure: string;
  status: 'MET' | 'MISSED' | 'NOT MEASURED';
  /** Why a target was missed or not measured, and what it would take. */
  reason?: string;
  /** Raw numbers for results.json. */
  data?: Record<string, unknown>;
}

export function notMeasured(id: string, what: string, target: string, reason: string): BenchResult {
  return { id, what, target, figure: '-', status: 'NOT MEASURED', reason };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** A plain-text table (also valid Markdown) of the results. */
export function formatTable(rows: readonly BenchResult[]): string {
  const head = ['id', 'what', 'target', 'measured', 'status'];
  const body = rows.map((r) => [r.id, r.what, r.target, r.figure, r.status]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => pad(c, widths[i] ?? 0)).join(' | ')} |`;
  const out = [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)];
  const notes = rows.filter((r) => r.reason).map((r) => `${r.id} ${r.status}: ${r.reason}`);
  return [...out, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

export function writeResults(file: string, meta: Record<string, unknown>, rows: readonly BenchResult[]): void {
  writeFileSync(file, `${JSON.stringify({ ...meta, results: rows }, null, 2)}\n`);
}
