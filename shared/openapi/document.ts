import * as z from 'zod';
import { operations as catalogOperations } from '../catalog/index.js';
import type { Operation } from '../catalog/types.js';
import { components, errorResponsesFor } from './components.js';

/**
 * The OpenAPI 3.1 document of the company-facing API, generated from the catalog (ARCHITECTURE.md
 * "Company-facing API"): one operation per catalog entry with its operationId, parameters, request and
 * response schemas (zod 4's own JSON Schema output, draft 2020-12, which OpenAPI 3.1 uses), the
 * Idempotency-Key header on money operations, problem+json errors and the IAM (SigV4) scheme.
 */

export const API_VERSION = '1.0.0';

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & { openapi: '3.1.0'; paths: Record<string, Record<string, Record<string, unknown>>> };

/**
 * JSON Schema of a zod schema. `input` for what callers send (before our transforms), `output` for what
 * we answer. Refinements and transforms have no JSON Schema form; they are left out (`unrepresentable`).
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline', override: io === 'input' ? describeNormalisedEnum : undefined }) as JsonSchema;
  delete out.$schema;
  return out;
}

/**
 * Inputs such as currencies are normalised before they are checked (`EUR` → `eur` → enum), so their input
 * schema is a bare string. Name the accepted values in the description rather than as an `enum`, which
 * would wrongly refuse `EUR`.
 */
function describeNormalisedEnum(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const def = (ctx.zodSchema as { _zod?: { def?: { type?: string; out?: unknown } } })._zod?.def;
  if (def?.type !== 'pipe') return;
  const out = def.out as { _zod?: { def?: { type?: string; entries?: Record<string, string> } } };
  const entries = out._zod?.def?.type === 'enum' ? out._zod.def.entries : undefined;
  if (!entries || ctx.jsonSchema.type !== 'string' || ctx.jsonSchema.enum) return;
  ctx.jsonSchema.description ??= `One of ${Object.values(entries).join(', ')} (case-insensitive).`;
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 200: 'OK', 201: 'Created', 202: 'Accepted: P100 took the request; it settles later' };

function parametersOf(op: Operation): Record<string, unknown>[] {
  const params: Record<string, unknown>[] = [];
  const inPath = [...op.route.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!);
  const pathSchema = op.request.params ? jsonSchemaOf(op.request.params, 'input') : undefined;
  const pathProps = (pathSchema?.properties ?? {}) as Record<string, JsonSchema>;
  for (const name of inPath) {
    params.push({ name, in: 'path', required: true, schema: pathProps[name] ?? { type: 'string' } });
  }
  if (op.request.query) {
    const q = jsonSchemaOf(op.request.query, 'input');
    const required = new Set((q.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((q.properties ?? {}) as Record<string, JsonSchema>)) {
      const { description, ...rest } = schema;
      params.push({ name, in: 'query', required: required.has(name), schema: rest, ...(typeof description === 'string' ? { description } : {}) });
    }
  }
  if (op.kind === 'money') params.push({ $ref: '#/components/parameters/IdempotencyKey' });
  return params;
}

function operationObject(op: Operation): Record<string, unknown> {
  const success = op.successStatus ?? 200;
  const money = op.kind === 'money';
  const description = [
    op.summary,
    money
      ? 'Moves money: send an `Idempotency-Key`. The same key with the same payload replays the first answer (`Idempotent-Replayed: true`) for 24 h; with another payload it is refused (422); while the first request runs, 409 with `Retry-After`. If P100 may or may not have acted, the answer is 502/504 with `outcome: "UNKNOWN"` and a `ledgerRef`; reconciliation resolves it, never a resend.'
      : undefined,
    op.upstream ? `Upstream: \`${op.upstream.method} ${op.upstream.path}\` (confidence ${op.confidence}${op.upstream.assumption ? `, ASSUMPTIONS ${op.upstream.assumption}` : ''}).` : 'Served by the suite itself (no P100 call).',
  ]
    .filter(Boolean)
    .join('\n\n');
  const successResponse: Record<string, unknown> = {
    description: STATUS_TEXT[success] ?? 'Success',
    headers: {
      'x-request-id': { $ref: '#/components/headers/RequestId' },
      ...(money ? { 'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' } } : {}),
    },
    content: { 'application/json': { schema: jsonSchemaOf(op.response, 'output') } },
  };
  const responses: Record<string, unknown> = { [String(success)]: successResponse };
  // P211 "POA pending" comes as 202 with an info code: still a success.
  if (op.upstream?.body === 'multipart' && success !== 202) responses['202'] = { ...successResponse, description: 'Accepted with an informational P100 code (P211: POA review pending)' };
  Object.assign(responses, errorResponsesFor(op));
  return {
    operationId: op.operationId,
    summary: op.summary,
    description,
    tags: [op.area],
    parameters: parametersOf(op),
    ...(op.request.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(op.request.body, 'input') } } } }
      : {}),
    responses,
    security: [{ sigv4: [] }],
    'x-p100-kind': op.kind,
    'x-p100-confidence': op.confidence,
    ...(op.upstream ? { 'x-p100-upstream': { method: op.upstream.method, path: op.upstream.path, ...(op.upstream.assumption ? { assumption: op.upstream.assumption } : {}) } } : {}),
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
  for (const op of ops) {
    const item = (paths[op.route.path] ??= {});
    item[op.route.method.toLowerCase()] = operationObject(op);
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
        description: 'The HTTP API of a deployed stage (see the stack output `ApiUrl`). Locally, `npm start` serves the same routes at http://127.0.0.1:3000.',
        variables: { apiId: { default: 'apiId', description: 'API Gateway id' }, region: { default: 'eu-central-1' } },
      },
    ],
    security: [{ sigv4: [] }],
    tags: areas.map((name) => ({ name, description: AREA_DESCRIPTIONS[name] })),
    paths,
    components: components(),
  };
}
