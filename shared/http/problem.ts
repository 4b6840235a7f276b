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

/** Problem type URIs: tag URIs, stable identifiers that are not meant to be dereferenced (RFC 9457 §3.1.1). */
export const problemType = (slug: string): string => `tag:p100-suite,2026:problem/${slug}`;

/**
 * An error a handler throws to answer with a specific `application/problem+json` (RFC 9457) response.
 * Throw it for anything the caller did wrong or can act on; everything else becomes a 500 without details.
 */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly slug: string,
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
