import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { operations } from '../../shared/catalog/index.js';
import { openApiDocument, type OpenApiDocument } from '../../shared/openapi/index.js';
import { OPENAPI_FILE, serialiseOpenApi } from '../../shared/openapi/write.js';
import { readFileSync } from 'node:fs';

/**
 * The OpenAPI document generated from the catalog: complete (every operationId), shaped as the API
 * behaves (Idempotency-Key on money operations, problem+json errors, SigV4), and clean under a real
 * linter (Redocly CLI, `recommended-strict`: warnings count as errors).
 */

const run = promisify(execFile);
const doc = openApiDocument();
const dir = mkdtempSync(join(tmpdir(), 'openapi-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The parts of the document these tests read. Asserted, not checked: a node the document lacks makes the test fail.
interface ParamNode {
  $ref?: string;
  in?: string;
  name?: string;
  schema?: unknown;
}
interface ResponseNode {
  content: Record<string, { schema?: unknown } | undefined>;
}
interface Op extends Record<string, unknown> {
  operationId: string;
  parameters: ParamNode[];
  requestBody?: unknown;
  responses: Record<string, ResponseNode | undefined>;
  security?: unknown;
}
interface Components {
  parameters: Record<string, unknown>;
  responses: Record<string, ResponseNode>;
  schemas: Record<string, { required?: unknown } | undefined>;
  securitySchemes: Record<string, unknown>;
}
function allOperations(d: OpenApiDocument): Op[] {
  return Object.values(d.paths).flatMap((item) => Object.values(item) as Op[]);
}

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; message: string }[];
}

/** Lints a document with the Redocly CLI (no telemetry, no update check: no network). */
async function lint(document: unknown, name: string): Promise<LintReport> {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(document));
  const cli = resolve('node_modules/@redocly/cli/bin/cli.js');
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, [cli, 'lint', file, '--extends=recommended-strict', '--format=json'], { env, maxBuffer: 16 * 1024 * 1024 }));
  } catch (e) {
    // Exit code 1 when problems are found; the report is still on stdout.
    stdout = (e as { stdout?: string }).stdout ?? '';
    if (!stdout.includes('"totals"')) throw e;
  }
  return JSON.parse(stdout.slice(stdout.indexOf('{'))) as LintReport;
}

describe('OpenAPI document', () => {
  it('is what the committed openapi.json says (run `npm run openapi` after changing the catalog)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(serialiseOpenApi());
  });

  it('has every catalog operationId exactly once, at its route', () => {
    const ids = allOperations(doc).map((o) => o.operationId as string);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(operations.map((o) => o.operationId).sort());
    for (const op of operations) {
      expect(doc.paths[op.route.path]?.[op.route.method.toLowerCase()]?.operationId).toBe(op.operationId);
    }
  });

  it('requires the Idempotency-Key header on money operations only', () => {
    const key = (doc.components as Components).parameters.IdempotencyKey;
    expect(key).toMatchObject({ name: 'Idempotency-Key', in: 'header', required: true });
    for (const op of operations) {
      const o = doc.paths[op.route.path]![op.route.method.toLowerCase()]!;
      const hasKey = (o.parameters as ParamNode[]).some((p) => p.$ref === '#/components/parameters/IdempotencyKey');
      expect(hasKey, op.operationId).toBe(op.kind === 'money');
    }
  });

  it('declares path and query parameters, request bodies and the success schema', () => {
    for (const op of operations) {
      const o = doc.paths[op.route.path]![op.route.method.toLowerCase()]! as Op;
      const pathNames = [...op.route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (o.parameters as ParamNode[]).filter((p) => p.in === 'path').map((p) => p.name as string);
      expect(declared, op.operationId).toEqual(pathNames);
      expect(Boolean(o.requestBody), op.operationId).toBe(op.request.body !== undefined);
      const success = o.responses[String(op.successStatus ?? 200)];
      expect(success?.content?.['application/json']?.schema, op.operationId).toBeTypeOf('object');
    }
    const history = doc.paths['/partner/transactions']!.get! as Op;
    expect((history.parameters as ParamNode[]).map((p) => p.name)).toEqual(expect.arrayContaining(['page', 'pageSize', 'from', 'to']));
    expect((history.parameters as ParamNode[]).find((p) => p.name === 'pageSize')?.schema).toMatchObject({ maximum: 100 });
  });

  it('answers errors as application/problem+json with the shared ProblemDetails schema', () => {
    const responses = (doc.components as Components).responses;
    // 403 and 429 come from API Gateway itself, before our code runs: its own `{ message }` body.
    const gateway = new Set(['Forbidden', 'TooManyRequests']);
    for (const [name, r] of Object.entries(responses)) {
      if (gateway.has(name)) expect(r.content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/GatewayMessage' });
      else expect(r.content['application/problem+json']?.schema).toEqual({ $ref: '#/components/schemas/ProblemDetails' });
    }
    const exchange = doc.paths['/partner/exchanges']!.post! as Op;
    for (const status of ['400', '404', '409', '422', '502', '503', '504']) expect(exchange.responses[status], status).toBeDefined();
    expect((doc.components as Components).schemas.ProblemDetails?.required).toEqual(['type', 'title', 'status']);
  });

  it('secures every operation with the SigV4 scheme', () => {
    expect((doc.components as Components).securitySchemes.sigv4).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      'x-amazon-apigateway-authtype': 'awsSigv4',
    });
    for (const o of allOperations(doc)) expect(o.security).toEqual([{ sigv4: [] }]);
  });

  it('passes the Redocly linter (recommended-strict) with no problems', async () => {
    const report = await lint(doc, 'openapi.json');
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });

  it('the lint step does catch a broken document (duplicate operationId, undeclared path parameter)', async () => {
    const broken = structuredClone(doc) as OpenApiDocument;
    const [first, second] = allOperations(broken);
    second!.operationId = first!.operationId;
    broken.paths['/users/{externalUserId}/balances']!.get!.parameters = [];
    const report = await lint(broken, 'broken.json');
    const rules = report.problems.map((p) => p.ruleId);
    expect(report.totals.errors).toBeGreaterThan(0);
    expect(rules).toEqual(expect.arrayContaining(['operation-operationId-unique', 'path-parameters-defined']));
  });
});
