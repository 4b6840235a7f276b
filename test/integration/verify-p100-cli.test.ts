/**
 * Issue 16: `npm run verify-p100` as a platform team runs it, a child process against the sandbox on loopback:
 * exit 0 without drift, 1 with drift (report file written), 2 when the run cannot start.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../local/sandbox/index.js';

const repoRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ port: 0, apiKey: 'cli-key', seed: 3, quiet: true, settleDelayMs: 5 });
});
afterAll(() => sb?.close());

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'tools/verify-p100.ts', ...args],
      { cwd: repoRoot, env: { ...process.env, P100_API_KEY: 'cli-key', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

const control = (method: string, p: string, body?: unknown) =>
  fetch(`${sb.url}${p}`, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });

describe('npm run verify-p100', () => {
  it('exits 0 against the faithful sandbox and prints the Markdown summary', async () => {
    const r = await cli(['--base-url', sb.url]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Operations: \d+ confirmed, 0 drift, \d+ untested\. Drifts: none\./);
  });

  it('exits 1 when something drifted, and --report writes the JSON', async () => {
    await control('POST', '/_sandbox/drift', { errorCodes: [{ from: 'P412', to: 'P400' }] });
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'verify-p100-')), 'report.json');
    const r = await cli(['--base-url', sb.url, '--report', out]);
    await control('DELETE', '/_sandbox/drift');
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { baseUrl: string; operations: { operationId: string; drifts: { kind: string }[] }[] };
    expect(report.baseUrl).toBe(sb.url);
    expect(report.operations.find((o) => o.operationId === 'getUserBalances')?.drifts.map((d) => d.kind)).toEqual(['error-code']);
  });

  it('exits 2 when it cannot start: --writes on production, no key, a refused key', async () => {
    const prod = await cli(['--base-url', 'https://partner-api.p100.io', '--writes']);
    expect(prod.code).toBe(2);
    expect(prod.stderr).toContain('refused for production');
    expect((await cli(['--base-url', sb.url], { P100_API_KEY: '' })).code).toBe(2);
    const wrong = await cli(['--base-url', sb.url], { P100_API_KEY: 'wrong' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('xo2');
  });
});
