/**
 * The built layers as Lambda mounts them, loaded by a separate Node process that cannot see this
 * repository's node_modules: the client layer and the SDK layer are copied to <tmp>/opt/nodejs (one tree,
 * as Lambda extracts both layers into /opt), the handler bundles to <tmp>/var/task/<name>/, and a resolve
 * hook maps the absolute `/opt/...` specifier handlers use to <tmp>/opt/.... Every bare `@aws-sdk/*`
 * import then has to resolve the way it does in Lambda: by walking up from /opt/nodejs/p100-shared/ to
 * /opt/nodejs/node_modules. No network: AWS calls are answered by a stub request handler or only signed.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../shared/catalog/index.js';
import { buildAll, layerImportPath, repoRoot, sdkLayerModulesPath, sdkPackageDir, sdkPackagesImported, type BuildResult } from '../../infra/build.js';

const run = promisify(execFile);

interface ProbeReport {
  layerExports: string[];
  sdk: Record<string, { exports: number; packageJson: { name: string; type: string; exports: string } }>;
  handlers: Record<string, string>;
  bareFromTask: Record<string, string>;
  dynamo: { sameDocumentClientClass: boolean; target: string | undefined; item: unknown };
  upload: { status: number | undefined; url: string };
  health: Record<'GET' | 'HEAD', { statusCode: number; headers: Record<string, string>; body: string }>;
  openapi: { statusCode: number; contentType: string; openapi: string; operationIds: string[] };
  lazy: { sameRouteAsLayerCatalog: boolean };
  firstRequestWithoutLayer: Record<string, { statusCode: number; contentType: string; fields: string[] }>;
}

/** The child: plain ESM, written to the temp dir; it prints one JSON report. */
const probeSource = (root: string, handlerNames: string[], sdkPackages: string[]) => `
import { pathToFileURL } from 'node:url';
const root = ${JSON.stringify(root)};
const report = { sdk: {}, handlers: {}, bareFromTask: {} };
const layer = await import(${JSON.stringify(layerImportPath)});
report.layerExports = Object.keys(layer);
const sdkUrl = (name) => pathToFileURL(root + ${JSON.stringify(sdkLayerModulesPath)} + '/' + name + '/index.mjs').href;
for (const name of ${JSON.stringify(sdkPackages)}) {
  const m = await import(sdkUrl(name));
  const { readFileSync } = await import('node:fs');
  report.sdk[name] = { exports: Object.keys(m).length, packageJson: JSON.parse(readFileSync(new URL('./package.json', sdkUrl(name)), 'utf8')) };
}
for (const name of ${JSON.stringify(handlerNames)}) {
  const m = await import(pathToFileURL(root + '/var/task/' + name + '/index.mjs').href);
  report.handlers[name] = typeof m.handler;
}
// What a handler in /var/task would get for a bare import: nothing (the repo's node_modules is out of reach).
for (const spec of ['zod', '@aws-sdk/client-dynamodb']) {
  report.bareFromTask[spec] = await import(spec).then(() => 'resolved', (e) => e.code);
}
// The layer's own DynamoDB client: the lib-dynamodb class the SDK layer holds, wired to client-dynamodb.
const { DynamoDBDocumentClient } = await import(sdkUrl('@aws-sdk/lib-dynamodb'));
const docClient = await layer.documentClient();
let target;
docClient.config.requestHandler = {
  handle: async (req) => {
    target = req.headers['x-amz-target'];
    const body = JSON.stringify({ Item: { pk: { S: 'OP#EXCHANGE#x1' }, sk: { S: 'OP' }, status: { S: 'PENDING' }, amount: { S: '10.50' } } });
    return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: new TextEncoder().encode(body) } };
  },
};
const item = await layer.getLedgerOperation('EXCHANGE', 'x1');
report.dynamo = { sameDocumentClientClass: docClient instanceof DynamoDBDocumentClient, target, item };
// createUploadUrl imports client-s3 and the presigner lazily (import()), then signs locally.
const out = await layer.createUploadUrlImpl(
  { params: { externalUserId: 'u-1' }, query: {}, body: { purpose: 'KYC', fileName: 'passport.pdf', contentType: 'application/pdf', size: 1234 } },
  {},
);
report.upload = { status: out.status, url: out.body.url };
// The built health and OpenAPI handlers, as API Gateway (payload 2.0) calls them.
const event = (method) => ({ requestContext: { http: { method } } });
const health = (await import(pathToFileURL(root + '/var/task/webhook-health/index.mjs').href)).handler;
report.health = { GET: await health(event('GET')), HEAD: await health(event('HEAD')) };
const doc = await (await import(pathToFileURL(root + '/var/task/openapi/index.mjs').href)).handler(event('GET'));
const parsed = JSON.parse(doc.body);
report.openapi = {
  statusCode: doc.statusCode,
  contentType: doc.headers['content-type'],
  openapi: parsed.openapi,
  operationIds: Object.values(parsed.paths).flatMap((p) => Object.values(p).map((o) => o.operationId)),
};
// Issue 28: what every request needs is loaded at init. The handlers above are initialised (imported); now the
// client layer's chunks and the SDK layer are moved away, so a module loaded on a first request would fail.
// getUserBalances' entry schema refuses a bad path parameter; createTransfer's refuses a bad body (its
// idempotency and ledger chunk too was evaluated at init). No network.
const { renameSync } = await import('node:fs');
renameSync(root + '/opt/nodejs', root + '/opt/nodejs-moved');
const call = async (name, event) => (await import(pathToFileURL(root + '/var/task/' + name + '/index.mjs').href)).handler(event, { awsRequestId: 'a-1', getRemainingTimeInMillis: () => 10_000 });
const answer = (r) => ({ statusCode: r.statusCode, contentType: r.headers['content-type'], fields: (JSON.parse(r.body).errors ?? []).map((e) => e.field) });
report.firstRequestWithoutLayer = {
  getUserBalances: answer(await call('getUserBalances', { requestContext: { http: { method: 'GET' }, requestId: 'r-1' }, rawPath: '/users/x/balances', pathParameters: { externalUserId: 'no spaces allowed' }, headers: {} })),
  createTransfer: answer(await call('createTransfer', { requestContext: { http: { method: 'POST' }, requestId: 'r-2' }, rawPath: '/users/u-1/transfers', pathParameters: { externalUserId: 'u-1' }, headers: { 'content-type': 'application/json', 'idempotency-key': 'key-12345678' }, body: '{"direction":"SIDEWAYS","amount":"1.00","currency":"eur"}' })),
};
report.lazy = { sameRouteAsLayerCatalog: layer.getOperation('getUserBalances').route.path === '/users/{externalUserId}/balances' };
process.stdout.write(JSON.stringify(report));
`;

const hooksSource = (root: string) => `
import { pathToFileURL } from 'node:url';
const root = ${JSON.stringify(root)};
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('/opt/')) return next(pathToFileURL(root + specifier).href, context);
  return next(specifier, context);
}
`;

describe('the layers load in Node as Lambda mounts them, without the repository', () => {
  let root: string;
  let built: BuildResult;
  let report: ProbeReport;
  let sdkPackages: string[];

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'p100-layer-runtime-'));
    expect(path.relative(repoRoot, root).startsWith('..'), 'the temp dir is outside the repository').toBe(true);
    built = await buildAll({ outDir: path.join(root, 'dist'), strict: false });
    if (!built.layer || !built.sdkLayer) throw new Error('shared/index.ts is missing: no layer to load');
    sdkPackages = built.sdkLayer.packages.map((p) => p.name);
    cpSync(path.join(built.outDir, 'layer', 'nodejs'), path.join(root, 'opt', 'nodejs'), { recursive: true });
    cpSync(path.join(built.sdkLayer.dir, 'nodejs'), path.join(root, 'opt', 'nodejs'), { recursive: true });
    for (const f of built.functions) cpSync(path.dirname(f.file), path.join(root, 'var', 'task', f.name), { recursive: true });
    rmSync(built.outDir, { recursive: true });
    writeFileSync(path.join(root, 'hooks.mjs'), hooksSource(root));
    writeFileSync(path.join(root, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
    writeFileSync(
      path.join(root, 'probe.mjs'),
      probeSource(
        root,
        built.functions.map((f) => f.name),
        sdkPackages,
      ),
    );
    const { stdout } = await run(process.execPath, ['--import', './register.mjs', './probe.mjs'], {
      cwd: root,
      // Nothing inherited: no NODE_PATH, NODE_OPTIONS or real credentials. Fake keys only sign locally.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: root,
        AWS_REGION: 'eu-central-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        LEDGER_TABLE: 'p100-test-ledger',
        UPLOAD_BUCKET: 'p100-test-uploads',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
      maxBuffer: 10 * 1024 * 1024,
    });
    report = JSON.parse(stdout) as ProbeReport;
  }, 120_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('ships in the SDK layer exactly the @aws-sdk packages the client layer imports, from the metafile', () => {
    expect(sdkPackages).toEqual(sdkPackagesImported(built.metafile!, built.layerFiles));
    // The ones shared/ uses today, statically or through import().
    expect(sdkPackages).toEqual(
      expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-s3', '@aws-sdk/s3-request-presigner']),
    );
    expect(built.esbuildCalls).toBe(2);
    for (const p of built.sdkLayer!.packages) {
      const version = (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', ...p.name.split('/'), 'package.json'), 'utf8')) as { version: string })
        .version;
      expect(p.version, p.name).toBe(version);
      expect(report.sdk[p.name]!.packageJson).toEqual({ name: p.name, version, type: 'module', exports: './index.mjs' });
      expect(report.sdk[p.name]!.exports, p.name).toBeGreaterThan(0);
    }
  });

  it('bundles @smithy/* and SDK helpers into each package but keeps sibling packages external (one client-dynamodb)', () => {
    const meta = built.sdkLayer!.metafile;
    const outputOf = (name: string) =>
      meta.outputs[
        path
          .relative(repoRoot, path.join(sdkPackageDir(built.sdkLayer!.dir, name), 'index.mjs'))
          .split(path.sep)
          .join('/')
      ]!;
    const lib = outputOf('@aws-sdk/lib-dynamodb');
    expect(lib.imports.filter((i) => i.external && i.path.startsWith('@aws-sdk/')).map((i) => i.path)).toContain('@aws-sdk/client-dynamodb');
    expect(Object.keys(lib.inputs).some((f) => f.includes('node_modules/@aws-sdk/client-dynamodb/'))).toBe(false);
    expect(Object.keys(lib.inputs).some((f) => f.includes('node_modules/@aws-sdk/util-dynamodb/'))).toBe(true);
    for (const name of sdkPackages) {
      const out = outputOf(name);
      // Only the layer's own packages may stay external (plus the optional CRT signer the SDK probes for in a try/catch).
      const external = out.imports.filter((i) => i.external && !i.path.startsWith('node:') && i.path !== '@aws-sdk/signature-v4-crt');
      for (const i of external) expect(sdkPackages, `${name} imports ${i.path}`).toContain(i.path);
      expect(
        Object.keys(out.inputs).some((f) => f.includes('node_modules/@smithy/')),
        name,
      ).toBe(true);
    }
  });

  it('loads the client layer through /opt and every handler bundle against it', () => {
    expect(report.layerExports).toEqual(expect.arrayContaining(['operationHandler', 'documentClient', 'webhookReceiver', 'openApiHandler']));
    expect(Object.keys(report.handlers).sort()).toEqual(built.functions.map((f) => f.name).sort());
    for (const [name, type] of Object.entries(report.handlers)) expect(type, name).toBe('function');
  });

  it('loads at init what every request needs: with the layers moved away after init, first requests are still answered (issue 28)', () => {
    expect(report.lazy.sameRouteAsLayerCatalog).toBe(true);
    expect(report.firstRequestWithoutLayer).toEqual({
      getUserBalances: { statusCode: 400, contentType: 'application/problem+json', fields: ['externalUserId'] },
      createTransfer: { statusCode: 400, contentType: 'application/problem+json', fields: ['direction'] },
    });
  });

  it('keeps the layer code-split: a function statically imports no catalog module; its own is a chunk of its own (issues 15, 28)', () => {
    const meta = built.metafile!;
    const key = (file: string) => path.relative(repoRoot, file).split(path.sep).join('/');
    /** The sources in the static import closure of one output: what `import` of that file evaluates. */
    const initSources = (file: string): string[] => {
      const seen = new Set<string>();
      const queue = [key(file)];
      while (queue.length) {
        const k = queue.pop()!;
        if (seen.has(k)) continue;
        seen.add(k);
        for (const i of meta.outputs[k]?.imports ?? []) {
          if (!i.external && i.kind === 'import-statement') queue.push(i.path);
          // A handler that imports the whole layer module evaluates all of it.
          if (i.external && i.path === layerImportPath) queue.push(key(built.layer!.file));
        }
      }
      return [...seen].flatMap((k) => Object.keys(meta.outputs[k]?.inputs ?? {}));
    };
    const byName = new Map(built.functions.map((f) => [f.name, f]));
    const catalogModules = /shared\/catalog\/(?!lazy\.ts|types\.ts|mapping\.ts)[a-z-]+\.ts$/;
    /** The chunk holding one source (what an `import()` of it loads). */
    const chunkOf = (source: string) => Object.keys(meta.outputs).filter((k) => k.includes('/chunks/') && source in (meta.outputs[k]?.inputs ?? {}));
    for (const name of ['getUserBalances', 'createTransfer', 'addKycFile', 'webhook-exchange', 'webhook-health']) {
      const sources = initSources(byName.get(name)!.file);
      // Other operations' schemas stay out: the operation's own catalog module is imported (at init) as a chunk of its own.
      expect(
        sources.filter((s) => catalogModules.test(s)),
        `${name} statically imports catalog modules`,
      ).toEqual([]);
      expect(sources.filter((s) => s.includes('node_modules/zod/')).length, `${name} statically imports zod`).toBe(0);
      expect(
        sources.filter((s) => s.includes('shared/reconcile/')),
        `${name} loads the reconciliation engine`,
      ).toEqual([]);
    }
    // The reconciliation operations open a run and read a report without the engine.
    for (const name of ['startReconciliation', 'getReconciliationReport']) {
      const sources = initSources(byName.get(name)!.file);
      expect(
        sources.filter((s) => /shared\/reconcile\/(run|history|pending|finalize)\.ts$/.test(s) || catalogModules.test(s)),
        name,
      ).toEqual([]);
      expect(sources.filter((s) => s.includes('node_modules/zod/')).length, `${name} loads zod at cold start`).toBe(0);
    }
    // Each catalog module and the idempotency/ledger machinery are chunks apart from the rest (loaded with import()).
    for (const source of ['shared/catalog/user-operations.ts', 'shared/catalog/transfers.ts', 'shared/http/operation-machinery.ts'])
      expect(chunkOf(source), source).toHaveLength(1);
    expect(chunkOf('shared/catalog/user-operations.ts')).not.toEqual(chunkOf('shared/catalog/transfers.ts'));
    // The health probe loads its own few lines.
    expect(initSources(byName.get('webhook-health')!.file).filter((s) => s.startsWith('shared/'))).toEqual(['shared/webhooks/health.ts']);
    // The webhook receiver does not load the operation handler stack either, nor the catalog's lazy table.
    expect(initSources(byName.get('webhook-exchange')!.file).filter((s) => /shared\/(idempotency|catalog)\//.test(s))).toEqual([]);
    // The client layer stays one layer: the index, and the chunks the handlers import.
    expect(built.layerFiles.every((f) => f.startsWith(path.join(built.outDir, 'layer', 'nodejs', 'p100-shared')))).toBe(true);
    expect(built.layerFiles.length).toBeGreaterThan(3);
  });

  it('has no path to the repository node_modules: a bare import from /var/task fails', () => {
    expect(report.bareFromTask).toEqual({ zod: 'ERR_MODULE_NOT_FOUND', '@aws-sdk/client-dynamodb': 'ERR_MODULE_NOT_FOUND' });
    expect(existsSync(path.join(root, 'node_modules'))).toBe(false);
  });

  it('runs a ledger read through the layer DocumentClient: lib-dynamodb from the SDK layer on its sibling client-dynamodb', () => {
    expect(report.dynamo.sameDocumentClientClass).toBe(true);
    expect(report.dynamo.target).toBe('DynamoDB_20120810.GetItem');
    expect(report.dynamo.item).toMatchObject({ pk: 'OP#EXCHANGE#x1', status: 'PENDING', amount: '10.50' });
  });

  it('presigns an upload with the lazily imported client-s3 and presigner, without an empty-body checksum', () => {
    expect(report.upload.status).toBe(201);
    const url = new URL(report.upload.url);
    expect(url.hostname).toContain('p100-test-uploads');
    expect(url.pathname).toMatch(/^\/uploads\/u-1\//);
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect([...url.searchParams.keys()].some((k) => k.toLowerCase().startsWith('x-amz-checksum'))).toBe(false);
  });

  it('answers the health probe on GET with {"status":"ok"} and on HEAD with the same status and headers, no body', () => {
    expect(report.health.GET).toMatchObject({ statusCode: 200, body: JSON.stringify({ status: 'ok' }) });
    expect(report.health.HEAD).toEqual({ ...report.health.GET, body: '' });
  });

  it('serves the OpenAPI document of every catalog operation from the built openapi handler', () => {
    expect(report.openapi).toMatchObject({ statusCode: 200, contentType: 'application/json', openapi: '3.1.0' });
    expect(report.openapi.operationIds.sort()).toEqual(operations.map((o) => o.operationId).sort());
  });
});
