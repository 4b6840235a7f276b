/**
 * The package as a company app outside this repository gets it: built by client/build.mjs into plain ESM,
 * loaded by Node without any TypeScript loader, its client calling a loopback server and its CLI running.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { json, startLoopback } from '../../test/support/loopback.js';

const BUILD = fileURLToPath(new URL('../build.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const out = mkdtempSync(join(ROOT, 'client', '.build-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function node(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }));
  });
}

describe('the built package', () => {
  it('builds to ESM that plain Node loads: the client calls the API, the CLI lists every operation', async () => {
    const built = await node([BUILD, out]);
    expect(built.code, built.stderr).toBe(0);
    const server = await startLoopback((_req, res) =>
      json(res, 200, { id: 'ex-1', currencyFrom: 'eur', currencyTo: 'btc', amount: '1.00', status: 'COMPLETED' }),
    );
    try {
      const script = join(out, 'use.mjs');
      writeFileSync(
        script,
        `import { createClient } from ${JSON.stringify(pathToFileURL(join(out, 'index.js')).href)};
const c = createClient({ baseUrl: ${JSON.stringify(server.url)} });
const e = await c.getExchange({ path: { exchangeId: 'ex-1' } });
console.log(JSON.stringify({ status: e.status, methods: typeof c.createExchange }));`,
      );
      const run = await node([script]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ status: 'COMPLETED', methods: 'function' });
      expect(server.requests[0]?.url).toBe('/exchanges/ex-1');
    } finally {
      await server.close();
    }
    const ops = await node([join(out, 'cli.js'), 'ops', '--json']);
    expect(ops.code, ops.stderr).toBe(0);
    expect((JSON.parse(ops.stdout) as unknown[]).length).toBeGreaterThan(40);
  });
});
