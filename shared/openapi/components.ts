import type { Operation } from '../catalog/types.js';
import { type ProblemSlug, problemSlugs, problemType } from '../http/problem.js';

/**
 * Shared parts of the OpenAPI document: the ProblemDetails schema (RFC 9457, with our `errors[]`,
 * `upstream`, `outcome` and `ledgerRef` extensions), error responses, headers and the SigV4 scheme.
 */

const problem = (description: string, headers: Record<string, unknown> = {}) => ({
  description,
  headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' }, ...headers },
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
});

const RESPONSES = {
  BadRequest: problem('The request is malformed or fails validation; `errors[]` names each bad field. Nothing was done.'),
  NotFound: problem('The user or the thing named in the path does not exist (at P100 or here).'),
  Conflict: problem(
    'Not allowed in the current state (P100 refused), or, for money operations, a request with the same Idempotency-Key is still in progress: retry after `Retry-After` seconds with the same key.',
    { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
  ),
  PayloadTooLarge: problem('The request body (or an uploaded document) is too large. Nothing was done.'),
  UnsupportedMediaType: problem('The body is not `application/json`. Nothing was done.'),
  UnprocessableContent: problem('Well-formed but refused: by P100 (`upstream` says why), or an Idempotency-Key reused with another payload.'),
  InternalError: problem('An error on our side; `requestId` finds it in the logs.'),
  BadGateway: problem(
    'P100 failed or could not be reached. For money operations `outcome: "UNKNOWN"` means it may have acted: see `ledgerRef`, do not resend with a new key.',
  ),
  ServiceUnavailable: problem('P100 is temporarily unavailable or rate limiting; nothing was done. Retry later.', {
    'Retry-After': { $ref: '#/components/headers/RetryAfter' },
  }),
  GatewayTimeout: problem('P100 did not answer in time. For money operations `outcome: "UNKNOWN"` (see BadGateway).'),
  // API Gateway answers these itself, before our code runs: its own JSON body, not problem+json.
  Forbidden: gatewayAnswer(
    'API Gateway refused the call: the SigV4 signature is missing or wrong, or the IAM principal may not call `execute-api:Invoke` on this route. Nothing was done.',
    'Forbidden',
  ),
  TooManyRequests: gatewayAnswer('API Gateway throttled the stage (burst or rate limit). Nothing was done; retry with backoff.', 'Too Many Requests'),
} as const;

function gatewayAnswer(description: string, message: string) {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/GatewayMessage' }, example: { message } } } };
}

type ResponseName = keyof typeof RESPONSES;
const ref = (name: ResponseName) => ({ $ref: `#/components/responses/${name}` });

/** The error responses an operation can give, by what it does (validation, P100 call, body, money). */
export function errorResponsesFor(op: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = { '400': ref('BadRequest'), '403': ref('Forbidden') };
  const hasBody = op.request.body !== undefined;
  if (op.upstream || op.route.path.includes('{')) out['404'] = ref('NotFound');
  if (op.upstream || op.kind === 'money') out['409'] = ref('Conflict');
  if (hasBody || op.upstream?.body === 'multipart') out['413'] = ref('PayloadTooLarge');
  if (hasBody) out['415'] = ref('UnsupportedMediaType');
  if (op.upstream || op.kind === 'money') out['422'] = ref('UnprocessableContent');
  out['429'] = ref('TooManyRequests');
  out['500'] = ref('InternalError');
  if (op.upstream) {
    out['502'] = ref('BadGateway');
    out['503'] = ref('ServiceUnavailable');
    out['504'] = ref('GatewayTimeout');
  }
  return out;
}

/** The shared parts, with the catalog's named schemas (Balance, User, Transfer, ...) beside ours. */
export function components(named: Record<string, unknown> = {}): Record<string, unknown> {
  for (const n of Object.keys(named)) if (n in OWN_SCHEMAS) throw new Error(`The catalog names a schema ${n}, which components.ts defines too`);
  return {
    securitySchemes: {
      sigv4: {
        type: 'apiKey',
        name: 'Authorization',
        in: 'header',
        description:
          'AWS Signature Version 4 (API Gateway IAM authorization): sign each request with credentials allowed to call `execute-api:Invoke` on the route.',
        'x-amazon-apigateway-authtype': 'awsSigv4',
      },
    },
    parameters: {
      IdempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        required: true,
        description: 'A new key per intended operation (a UUID is fine). Scoped to the operation; kept 24 h.',
        schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,128}$' },
      },
      IdempotencyKeyOptional: {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Optional on writes: with a key, a resend with the same key and payload replays the first answer (`Idempotent-Replayed: true`) for 24 h, another payload is refused (422), and a resend while the first runs gets 409 with `Retry-After`. A new key per intended operation; scoped to the operation.',
        schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,128}$' },
      },
    },
    headers: {
      RequestId: { description: "The request id (the caller's `x-request-id` when it is a safe token); it is in every log line.", schema: { type: 'string' } },
      IdempotentReplayed: {
        description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key.',
        schema: { type: 'string', enum: ['true'] },
      },
      RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } },
    },
    schemas: { ...OWN_SCHEMAS, ...Object.fromEntries(Object.entries(named).sort(([a], [b]) => a.localeCompare(b))) },
    responses: RESPONSES,
  };
}

const OWN_SCHEMAS: Record<string, unknown> = {
  GatewayMessage: {
    type: 'object',
    description: "API Gateway's own answer (403, 429): a message, no problem details.",
    required: ['message'],
    properties: { message: { type: 'string', description: '`Forbidden` or `Too Many Requests`.' } },
  },
  FieldProblem: {
    type: 'object',
    required: ['in', 'field', 'message'],
    properties: {
      in: { type: 'string', enum: ['body', 'query', 'path', 'header'] },
      field: { type: 'string', description: 'Dotted path of the field, `(root)` for the whole part.' },
      message: { type: 'string' },
    },
  },
  ProblemDetails: {
    type: 'object',
    description: 'RFC 9457 problem details.',
    required: ['type', 'title', 'status'],
    properties: {
      type: {
        type: 'string',
        format: 'uri',
        description: `A tag URI naming what happened: \`${problemType('validation')}\` and so on, its last segment one of these slugs:\n${Object.entries(
          problemSlugs,
        )
          .map(([slug, meaning]) => `- \`${slug}\`: ${meaning}`)
          .join('\n')}`,
        examples: (Object.keys(problemSlugs) as ProblemSlug[]).map(problemType),
      },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string' },
      requestId: { type: 'string' },
      errors: { type: 'array', items: { $ref: '#/components/schemas/FieldProblem' } },
      upstream: {
        type: 'object',
        description: "P100's refusal, when P100 refused.",
        required: ['errorCode'],
        properties: { errorCode: { type: 'string' }, errorName: { type: 'string' } },
      },
      outcome: { type: 'string', enum: ['UNKNOWN'], description: 'Money operations only: P100 may or may not have acted.' },
      ledgerRef: {
        type: 'object',
        description: 'The ledger operation reconciliation will resolve.',
        required: ['type', 'id'],
        properties: { type: { type: 'string' }, id: { type: 'string' } },
      },
    },
    additionalProperties: true,
  },
};
