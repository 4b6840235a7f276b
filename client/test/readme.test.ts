/**
 * The company-app example of client/README.md, run as written against a local suite (its import pointed at
 * this checkout's client): if the README drifts from the client, this fails.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSuite, type TestSuite } from '../../test/support/suite.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const ENTRY = pathToFileURL(fileURLToPath(new URL('../src/index.ts', import.meta.url))).href;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let s: TestSuite;
const dir = mkdtempSync(join(tmpdir(), 'p100-readme-'));
beforeAll(async () => {
  s = await startTestSuite();
});
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('client/README.md', () => {
  it('shows the whole company-app flow in under 50 lines, and it runs: the exchange completes and its typed event arrives', async () => {
    const md = readFileSync(README, 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(md)?.[1];
    expect(code).toBeDefined();
    expect(code!.trimEnd().split('\n').length).toBeLessThan(50);
    expect(code).toContain("from '@p100-suite/client'");
    const file = join(dir, 'example.mts');
    writeFileSync(file, code!.replace("'@p100-suite/client'", `'${ENTRY}'`));
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', file],
        { cwd: ROOT, env: { ...process.env, P100_BASE_URL: s.api, P100_SANDBOX_URL: s.p100 }, timeout: 60_000 },
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }),
      );
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^exchange [0-9a-f-]{36} COMPLETED\n$/);
  });

  it('type-checks in strict mode against the client', () => {
    const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(README, 'utf8'))?.[1] ?? '';
    // Beside the sources, so the import resolves as a company app's would resolve the package.
    const file = join(ROOT, 'client', 'test', `.readme-${process.pid}.ts`);
    writeFileSync(file, `export {};\n${code.replace("'@p100-suite/client'", "'../src/index.js'")}`);
    try {
      const program = ts.createProgram([file], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: ['node'],
        skipLibCheck: true,
        noUncheckedIndexedAccess: true,
      });
      const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(problems).toEqual([]);
    } finally {
      rmSync(file, { force: true });
    }
  }, 120_000);
});
