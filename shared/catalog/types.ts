import type { z } from 'zod';
import type { OperationResources } from '../config/resources.js';

/** How an operation may be retried and whether it needs an `Idempotency-Key` (see ARCHITECTURE.md). */
export type OperationKind = 'read' | 'write' | 'money';

/**
 * How sure we are of the upstream contract, from the reference's tags:
 * H = docs example, M = older docs/FAQ, L = our choice (see shared/p100/ASSUMPTIONS.md), 3P = third-party code only,
 * local = no upstream call (served by the suite itself).
 */
export type Confidence = 'H' | 'M' | 'L' | '3P' | 'local';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type Area = 'partner' | 'users' | 'kyc' | 'exchange' | 'crypto' | 'transfers' | 'cards' | 'sepa' | 'operations';

/** The P100 call an operation makes. Paths use `{name}` placeholders filled from the validated request. */
export interface UpstreamCall {
  method: HttpMethod;
  path: string;
  /** The line of shared/p100/ASSUMPTIONS.md this call follows, when the reference is not certain. */
  assumption?: string;
  /** How the body travels: JSON (default), multipart (documents) or none. */
  body?: 'json' | 'multipart' | 'none';
}

/**
 * An OpenAPI link from an operation that creates something to the operation that reads it. Parameters are
 * runtime expressions per OpenAPI 3.1 §4.8.20.4: `$response.body#/transferId`, `$request.path.externalUserId`.
 */
export interface OperationLink {
  name: string;
  operationId: string;
  parameters: Record<string, string>;
  description: string;
}

/** The validated input an operation's handler receives. */
export interface OperationInput<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> {
  params: P;
  query: Q;
  body: B;
}

export interface OperationRequestSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

/**
 * One row of the catalog: everything about one company-facing operation, in one place.
 * The CDK app, the local gateway, the OpenAPI document and the tests all read this.
 */
export interface Operation {
  operationId: string;
  area: Area;
  summary: string;
  /** Company-facing route (API Gateway HTTP API syntax: `/users/{externalUserId}/balances`). */
  route: { method: HttpMethod; path: string };
  /** The P100 call, or null for operations the suite serves itself (uploads, reconciliation, inbox). */
  upstream: UpstreamCall | null;
  kind: OperationKind;
  confidence: Confidence;
  request: OperationRequestSchemas;
  /** Schema of the 2xx body we return (tolerant: unknown upstream fields pass through). */
  response: z.ZodType;
  /** HTTP status of a success (200 unless said otherwise). */
  successStatus?: 200 | 201 | 202;
  /** Field names whose values never reach logs (in addition to the global list in shared/log/redact.ts). */
  redact: readonly string[];
  /** Optional: the path of the entry file, relative to functions/ (default `<area>/<operationId>.ts`). */
  entry?: string;
  /** How a money operation (or a write starting a trackable movement) is recorded in the ledger. */
  ledger?: LedgerMapping;
  /** How a user lifecycle step is recorded in the ledger (shared/ledger-recording/user-steps.ts). */
  userLedger?: UserLedgerMapping;
  /**
   * A card step that changes the card's state itself (no webhook carries card status): the status P100
   * reached once it accepted, per ASSUMPTIONS.md C12 / F11. shared/ledger-recording/user-steps.ts applies it along the
   * card lifecycle; reconciliation (V2) compares it later.
   */
  cardLedger?: { status: string };
  /** OpenAPI links of the success response: the operations that read what this one creates (shared/openapi/links.ts). */
  links?: readonly OperationLink[];
  /**
   * Resources the operation's own code touches beyond its kind's default (shared/config/resources.ts);
   * infra/lib/access.ts derives the function's grants from them.
   */
  resources?: OperationResources;
  /**
   * Where the behaviour lives when it is not "call `upstream`": `module#export` under shared/ (the same
   * form as infra/lib/access.ts `dataPaths`), the `OperationImpl` the entry file passes as `impl`
   * (test/unit/catalog-declarations.test.ts checks both agree). A string, not the function: the implementations
   * import the catalog (a reference back would be a cycle), and the catalog stays data that every
   * function loads without pulling in the S3, reconciliation or inbox code.
   */
  impl?: `${string}.ts#${string}`;
  /**
   * Optional: shapes the P100 request from the validated input when it is not simply
   * "path params into the path, query into the query string, body as the JSON body".
   */
  // biome-ignore lint/suspicious/noExplicitAny: each implementation narrows its own input type; parameters are contravariant, so the shared type must accept every input shape
  toUpstream?: (input: OperationInput<Record<string, string>, Record<string, unknown>, any>) => UpstreamRequestParts;
}

/**
 * How a `money` operation (and any write that starts a trackable movement) is recorded in the ledger:
 * which ledger type, which field of P100's answer holds its id, and which request fields describe it.
 */
export interface LedgerMapping {
  type: import('../store/ledger.js').OperationType;
  /** Field of the upstream 2xx body holding P100's id (`exchangeId`, `withdrawalId`, `transferId`, `cardId`). */
  idField: string;
  /** Dotted paths into the validated input (`body.sourceExternalUserId`, `params.externalUserId`). */
  externalUserId?: string;
  amount?: string;
  currency?: string;
}

/**
 * A user lifecycle step (create, verification, extension, suspension, deletion, documents) in the ledger:
 * which input field names the user, what a create tells us about the user, and which facts P100's
 * acceptance establishes. Every step is also recorded as fact `step:<operationId>` = ACCEPTED, or UNKNOWN
 * after an ambiguous failure, so reconciliation knows what we asked for.
 */
export interface UserLedgerMapping {
  /** Dotted path into the validated input (`params.externalUserId`, `body.externalUserId`). */
  externalUserId: string;
  create?: { model: import('../store/ledger-users.js').UserModel; userIdField: string };
  facts?: Record<string, string | boolean>;
}

export interface UpstreamRequestParts {
  pathParams?: Record<string, string>;
  query?: Record<string, string | undefined>;
  body?: unknown;
}

/** Keeps an entry's literal types while checking it against `Operation`. */
export function defineOperation<const T extends Operation>(op: T): T {
  return op;
}

/** Builds the function entry path of an operation, relative to the repo root. */
export function entryFileOf(op: Pick<Operation, 'area' | 'operationId' | 'entry'>): string {
  return `functions/${op.entry ?? `${op.area}/${op.operationId}.ts`}`;
}
