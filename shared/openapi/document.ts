import * as z from 'zod';
import { operations as catalogOperations } from '../catalog/index.js';
import type { Operation } from '../catalog/types.js';
import { examples } from '../catalog/examples.js';
import { components, errorResponsesFor } from './components.js';
import { linksOf } from './links.js';

/**
 * The OpenAPI 3.1 document of the company-facing API, generated from the catalog (ARCHITECTURE.md
 * "Company-facing API"): one operation per catalog entry with its operationId, parameters, request and
 * response schemas (zod 4's own JSON Schema output, draft 2020-12, which OpenAPI 3.1 uses), the
 * Idempotency-Key header on money operations (optional on writes), problem+json errors and the IAM (SigV4) scheme.
 */

export const API_VERSION = '1.0.0';

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & { openapi: '3.1.0'; paths: Record<string, Record<string, Record<string, unknown>>> };

/**
 * JSON Schema of a zod schema. `input` for what callers send (before our transforms), `output` for what
 * we answer. Every rule of the catalog has a JSON Schema form (see shared/catalog/schemas.ts), so nothing
 * is left out: a schema zod cannot express fails the build (`unrepresentable: 'throw'`) instead of
 * silently becoming `{}`. Named schemas (`.meta({ id })`) come back in `$defs`; `SchemaCollector` moves
 * them to `components.schemas`.
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'throw', reused: 'inline' }) as JsonSchema;
  delete out.$schema;
  return out;
}

/**
 * Gathers the named schemas of every operation into `components.schemas` and points `$ref`s there. A name
 * given to two different schemas is a catalog bug, reported at build time.
 */
export class SchemaCollector {
  readonly schemas: Record<string, JsonSchema> = {};

  /** The JSON Schema of `schema` with named parts as `$ref: '#/components/schemas/<id>'`. */
  add(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const { $defs, ...root } = jsonSchemaOf(schema, io) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [name, def] of Object.entries($defs ?? {})) {
      const fixed = rewriteRefs(def) as JsonSchema;
      const prev = this.schemas[name];
      if (prev && JSON.stringify(prev) !== JSON.stringify(fixed)) throw new Error(`Two different schemas are named ${name} (${io}): give one another id`);
      this.schemas[name] = fixed;
    }
    return rewriteRefs(root) as JsonSchema;
  }

  /** Like `add`, but a named root is returned as its definition (parameters need the properties themselves). */
  inline(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const root = this.add(schema, io);
    const ref = typeof root.$ref === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(root.$ref)?.[1] : undefined;
    return ref ? (this.schemas[ref] ?? root) : root;
  }
}

function rewriteRefs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(rewriteRefs);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v as JsonSchema).map(([k, x]) => [
      k,
      k === '$ref' && typeof x === 'string' ? x.replace(/^#\/\$defs\//, '#/components/schemas/') : rewriteRefs(x),
    ]),
  );
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 200: 'OK', 201: 'Created', 202: 'Accepted: P100 took the request; it settles later' };

/** Cross-parameter rules of a query (per-currency amounts, network only for usdc/usdt): JSON Schema over the query object. */
function queryRules(q: JsonSchema): JsonSchema | undefined {
  const rules = Object.fromEntries(Object.entries(q).filter(([k]) => k === 'allOf' || k === 'minProperties' || k === 'x-p100-rules'));
  return Object.keys(rules).length ? rules : undefined;
}

function parameterOf(name: string, where: 'path' | 'query', schema: JsonSchema, required: boolean, example: unknown): Record<string, unknown> {
  const { description, ...rest } = schema;
  if (typeof description !== 'string') throw new Error(`${where} parameter ${name} has no description: add .describe() in the catalog`);
  return { name, in: where, required, description, schema: rest, ...(example !== undefined ? { example } : {}) };
}

function parametersOf(op: Operation, collector: SchemaCollector): Record<string, unknown>[] {
  const params: Record<string, unknown>[] = [];
  const example = examples[op.operationId];
  const inPath = [...op.route.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!);
  const pathSchema = op.request.params ? collector.inline(op.request.params, 'input') : undefined;
  const pathProps = (pathSchema?.properties ?? {}) as Record<string, JsonSchema>;
  for (const name of inPath) {
    const schema = pathProps[name];
    if (!schema) throw new Error(`${op.operationId}: {${name}} has no params schema`);
    params.push(parameterOf(name, 'path', schema, true, example?.params?.[name]));
  }
  if (op.request.query) {
    const q = collector.inline(op.request.query, 'input');
    const required = new Set((q.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((q.properties ?? {}) as Record<string, JsonSchema>)) {
      params.push(parameterOf(name, 'query', schema, required.has(name), example?.query?.[name]));
    }
  }
  if (op.kind === 'money') params.push({ $ref: '#/components/parameters/IdempotencyKey' });
  // Writes accept a key too (issue 13 item 7): the same header, optional.
  if (op.kind === 'write') params.push({ $ref: '#/components/parameters/IdempotencyKeyOptional' });
  return params;
}

function operationObject(op: Operation, collector: SchemaCollector): Record<string, unknown> {
  const success = op.successStatus ?? 200;
  const money = op.kind === 'money';
  const example = examples[op.operationId];
  const query = op.request.query ? queryRules(collector.inline(op.request.query, 'input')) : undefined;
  const description = [
    op.summary,
    money
      ? 'Moves money: send an `Idempotency-Key`. The same key with the same payload replays the first answer (`Idempotent-Replayed: true`) for 24 h; with another payload it is refused (422); while the first request runs, 409 with `Retry-After`. If P100 may or may not have acted, the answer is 502/504 with `outcome: "UNKNOWN"` and a `ledgerRef`; reconciliation resolves it, never a resend.'
      : undefined,
    query ? 'The query parameters together must also satisfy `x-p100-query-rules` (JSON Schema over the query as an object): see each parameter.' : undefined,
    op.upstream
      ? `Upstream: \`${op.upstream.method} ${op.upstream.path}\` (confidence ${op.confidence}${op.upstream.assumption ? `, ASSUMPTIONS ${op.upstream.assumption}` : ''}).`
      : 'Served by the suite itself (no P100 call).',
  ]
    .filter(Boolean)
    .join('\n\n');
  const links = linksOf(op);
  const successResponse: Record<string, unknown> = {
    description: STATUS_TEXT[success] ?? 'Success',
    headers: {
      'x-request-id': { $ref: '#/components/headers/RequestId' },
      ...(op.kind !== 'read' ? { 'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' } } : {}),
    },
    content: { 'application/json': { schema: collector.add(op.response, 'output'), ...(example ? { example: example.response } : {}) } },
    ...(links ? { links } : {}),
  };
  const responses: Record<string, unknown> = { [String(success)]: successResponse };
  // P211 "POA pending" comes as 202 with an info code: still a success.
  if (op.upstream?.body === 'multipart' && success !== 202) {
    const { links: _links, ...rest } = successResponse;
    responses['202'] = { ...rest, description: 'Accepted with an informational P100 code (P211: POA review pending)' };
  }
  Object.assign(responses, errorResponsesFor(op));
  return {
    operationId: op.operationId,
    summary: op.summary,
    description,
    tags: [op.area],
    parameters: parametersOf(op, collector),
    ...(op.request.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: collector.add(op.request.body, 'input'), ...(example?.body !== undefined ? { example: example.body } : {}) },
            },
          },
        }
      : {}),
    responses,
    security: [{ sigv4: [] }],
    'x-p100-kind': op.kind,
    'x-p100-confidence': op.confidence,
    ...(query ? { 'x-p100-query-rules': query } : {}),
    ...(op.upstream
      ? { 'x-p100-upstream': { method: op.upstream.method, path: op.upstream.path, ...(op.upstream.assumption ? { assumption: op.upstream.assumption } : {}) } }
      : {}),
  };
}

const AREA_DESCRIPTIONS: Readonly<Record<Operation['area'], string>> = {
  partner: "The partner's own balances, history, exchanges, withdrawals and SEPA transfers.",
  users: 'User accounts of both models, their documents, balances and history.',
  kyc: 'KYC by P100 (hosted verification).',
  exchange: 'Rates, locks and exchanges on user balances.',
  crypto: 'Crypto withdrawals, network fees and the travel rule.',
  transfers: 'Transfers between users of the partner.',
  cards: 'Virtual cards: issue, PIN, block, limits.',
  sepa: 'SEPA deposit information and SEPA transfers of users.',
  operations: 'Operator tools: reconciliation reports and the webhook inbox.',
};

/**
 * Builds the document. Pure: the same catalog gives the same document, byte for byte once serialised.
 *
 * @example
 * const doc = openApiDocument();
 * doc.paths['/users/{externalUserId}/balances'].get.operationId; // 'getUserBalances'
 */
export function openApiDocument(ops: readonly Operation[] = catalogOperations): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const collector = new SchemaCollector();
  for (const op of ops) {
    const item = paths[op.route.path] ?? {};
    paths[op.route.path] = item;
    item[op.route.method.toLowerCase()] = operationObject(op, collector);
  }
  const areas = [...new Set(ops.map((o) => o.area))];
  return {
    openapi: '3.1.0',
    info: {
      title: 'P100 partner suite',
      version: API_VERSION,
      summary: "The company's API in front of the P100 Partner API.",
      description:
        'Server-to-server API of the P100 partner suite: users with KYC, balances, exchange, crypto, SEPA, transfers and virtual cards. Every route is signed with AWS SigV4 (IAM). Errors are `application/problem+json` (RFC 9457). Amounts are decimal strings.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'The HTTP API of a deployed stage (see the stack output `ApiUrl`).',
        variables: { apiId: { default: 'apiId', description: 'API Gateway id' }, region: { default: 'eu-central-1', description: 'AWS region of the stage' } },
      },
      { url: 'http://127.0.0.1:3000', description: 'Local: `npm start` serves the same routes and handlers against the P100 sandbox (no SigV4 check).' },
    ],
    security: [{ sigv4: [] }],
    tags: areas.map((name) => ({ name, description: AREA_DESCRIPTIONS[name] })),
    paths,
    components: components(collector.schemas),
  };
}
