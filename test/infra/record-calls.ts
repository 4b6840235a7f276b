/**
 * Regenerates test/infra/recorded-calls.json: runs the integration tests and the reduced drills with
 * P100_RECORD_AWS_CALLS set (local/aws/recorder.ts records every AWS call each function makes), adds the calls
 * of test/infra/derived-calls.json (functions no local test invokes, each with its reason), and writes the
 * union, sorted, so a changed call shows in the diff. `npm run record-calls` (about a minute or two);
 * `-- <vitest args>` replaces the test selection.
 *
 * The union includes the calls already in the artefact: which receiver reaches a timing-dependent branch (a
 * webhook redelivery, say) varies between runs, and a call seen once is a call the function makes, so a
 * re-recording only ever adds. `-- --fresh` starts from nothing, to drop a call the code no longer makes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RECORD_ENV, type AwsCall, type RecordedCall } from '../../local/aws/recorder.js';
import { functionSpecs } from '../../shared/functions.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const recordedCallsFile = path.join(here, 'recorded-calls.json');
export const derivedCallsFile = path.join(here, 'derived-calls.json');

/** function name → its calls, sorted; the artefact's shape. */
export type CallMap = Record<string, AwsCall[]>;

const keyOf = (c: AwsCall): string => JSON.stringify([c.action, c.resource, c.context ?? {}]);

export function mergeCalls(lines: Iterable<RecordedCall>): CallMap {
  const byFn = new Map<string, Map<string, AwsCall>>();
  for (const { function: fn, ...call } of lines) {
    const m = byFn.get(fn) ?? new Map<string, AwsCall>();
    m.set(keyOf(call), call);
    byFn.set(fn, m);
  }
  return Object.fromEntries(
    [...byFn.keys()].sort().map((fn) => [fn, [...(byFn.get(fn)?.entries() ?? [])].sort(([a], [b]) => a.localeCompare(b)).map(([, c]) => c)]),
  );
}

function main(): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'p100-record-'));
  const file = path.join(dir, 'calls.jsonl');
  const args = process.argv.slice(2);
  const fresh = args.includes('--fresh');
  const vitestArgs = args.filter((a) => a !== '--fresh');
  const selection = vitestArgs.length ? vitestArgs : ['test/integration', 'test/drill'];
  const run = spawnSync('npx', ['vitest', 'run', ...selection], { stdio: 'inherit', env: { ...process.env, [RECORD_ENV]: file } });
  if (run.status !== 0) console.error(`warning: vitest exited ${run.status}; the calls recorded so far are kept`);
  const recorded = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as RecordedCall)
    : [];
  rmSync(dir, { recursive: true, force: true });
  const derived = JSON.parse(readFileSync(derivedCallsFile, 'utf8')) as Record<string, { reason: string; calls: AwsCall[] }>;
  const earlier = !fresh && existsSync(recordedCallsFile) ? (JSON.parse(readFileSync(recordedCallsFile, 'utf8')) as CallMap) : {};
  const lines = [
    ...recorded,
    ...Object.entries(earlier).flatMap(([fn, calls]) => calls.map((c) => ({ function: fn, ...c }))),
    ...Object.entries(derived).flatMap(([fn, d]) => d.calls.map((c) => ({ function: fn, ...c }))),
  ];
  const merged = mergeCalls(lines);
  const names = functionSpecs().map((s) => s.name);
  const silent = names.filter((n) => !(n in merged));
  writeFileSync(recordedCallsFile, `${JSON.stringify(merged, null, 2)}\n`);
  console.log(
    `${lines.length} calls recorded (${recorded.length} by tests), ${Object.keys(merged).length} functions with calls, written to ${recordedCallsFile}`,
  );
  if (silent.length) console.log(`functions with no recorded AWS call (none of their code reaches AWS, or no test invokes them): ${silent.join(', ')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
