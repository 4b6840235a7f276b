import { restView } from '../classification/rules.js';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** One bad field of a request: where it was (`body`, `query`, `path`, `header`), which field, and why. */
export interface FieldProblem {
  in: 'body' | 'query' | 'path' | 'header';
  field: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  requestId?: string;
  errors?: FieldProblem[];
  upstream?: { errorCode: string; errorName?: string };
  [extension: string]: unknown;
}

/**
 * Every problem the suite answers with, by slug: what happened, in one line. A slug says what happened, not who
 * said it: an id P100 does not know is `not-found` (with `upstream.errorCode` for P100's code), not a refusal.
 * The OpenAPI document lists this table (ProblemDetails.type, shared/openapi/components.ts); the client exposes
 * the slug as `ProblemError.slug`.
 */
export const problemSlugs = {
  validation: 'A field of the request fails its schema; `errors[]` names each one. Nothing was done.',
  malformed: 'The request cannot be read (not JSON, bad encoding, a header out of range). Nothing was done.',
  'duplicate-key': 'The JSON body names a key twice. Nothing was done.',
  'too-deep': 'The JSON body is nested too deeply. Nothing was done.',
  'too-large': 'The request body is too large. Nothing was done.',
  'file-too-large': 'An uploaded document is too large. Nothing was done.',
  'unsupported-media-type': 'The body is not `application/json`. Nothing was done.',
  unauthorized: 'A webhook without the right Authorization header.',
  'smoke-marker': "A webhook's smoke-test marker does not match its body.",
  'not-found': 'The user or the thing named in the path does not exist, here or at P100 (`upstream.errorCode` then says P100 answered so).',
  'upstream-refused': 'P100 refused: the state forbids it now (409) or P100 will not do it (422); `upstream` has its code. Nothing was done.',
  conflict:
    "The operator's change does not fit the thing's current state or version (an exception changed meanwhile); reload and decide again. Nothing was done.",
  'idempotency-key-reused': 'The Idempotency-Key was used before with another request. Nothing was done.',
  'idempotency-in-progress': 'A request with this Idempotency-Key is still running: retry after `Retry-After` with the same key.',
  'outcome-unknown': 'P100 may or may not have acted (`outcome: "UNKNOWN"`, `ledgerRef`); reconciliation resolves it. Never resend under a new key.',
  'upstream-timeout': 'P100 did not answer in time (a read: nothing changed).',
  'upstream-unavailable': 'P100 is unavailable or rate limiting. Nothing was done; retry after `Retry-After`.',
  'upstream-error': 'P100 could not be reached or failed. Nothing was done.',
  'upstream-auth': "P100 rejected the suite's credentials (partner setup).",
  'upstream-setup': 'P100 rejected the partner configuration.',
  'upstream-contract': 'P100 answered in a shape the suite does not know (see the contract report).',
  unavailable: 'The suite cannot do it right now; `detail` says what happens next.',
  internal: 'An error on our side; `requestId` finds it in the logs.',
} as const;

export type ProblemSlug = keyof typeof problemSlugs;

/** Problem type URIs: tag URIs, stable identifiers that are not meant to be dereferenced (RFC 9457 §3.1.1). */
export const problemType = (slug: ProblemSlug): string => `tag:p100-suite,2026:problem/${slug}`;

/**
 * An error a handler throws to answer with a specific `application/problem+json` (RFC 9457) response.
 * Throw it for anything the caller did wrong or can act on; everything else becomes a 500 without details.
 */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly slug: ProblemSlug,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Omit<Partial<ProblemDetails>, 'type' | 'title' | 'status' | 'detail'> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }

  toDetails(requestId?: string): ProblemDetails {
    return {
      type: problemType(this.slug),
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(requestId ? { requestId } : {}),
      ...this.extensions,
    };
  }
}

export function problemResponse(details: ProblemDetails, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: details.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    // The classification's rest view (issue 12): a PAN or IBAN inside an upstream error name never travels back in clear.
    body: JSON.stringify(restView(details)),
  };
}

export function validationProblem(errors: FieldProblem[]): HttpProblem {
  return new HttpProblem(400, 'validation', 'Request validation failed', `${errors.length} field(s) are invalid`, { errors });
}
