import type { HttpMethod, Operation, OperationInput } from '../catalog/types.js';
import { fillPath } from '../p100/upstream.js';
import { maskSensitiveValues } from '../classification/index.js';

/** One request to P100, as the suite would send it for an operation. */
export interface ProbeRequest {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | undefined>;
  json?: unknown;
}

export interface RequestInput {
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/** The input did not pass the operation's request schema: a bug in the run's plan, never sent. */
export class ContractInputError extends Error {
  override readonly name = 'ContractInputError';
  constructor(operationId: string, detail: string) {
    super(`The contract run built an input ${operationId} refuses (${detail}): fix the plan in shared/contract/plan.ts`);
  }
}

/**
 * The P100 request of an operation for a company-side input, built the way `callUpstream`
 * (shared/http/operation-handler.ts) builds it: the input validated by the catalog's request schemas, shaped by
 * `toUpstream`, placeholders filled by `fillPath`. A run thus checks what the suite itself would send.
 */
export function upstreamRequestOf(op: Operation, call: { method: HttpMethod; path: string }, input: RequestInput): ProbeRequest {
  const parse = (part: 'params' | 'query' | 'body', v: unknown) => {
    const schema = op.request[part];
    if (!schema) return v;
    const r = schema.safeParse(v);
    if (!r.success)
      throw new ContractInputError(op.operationId, `${part}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
    return r.data;
  };
  const validated: OperationInput<Record<string, string>, Record<string, unknown>, unknown> = {
    params: parse('params', input.params ?? {}) as Record<string, string>,
    query: parse('query', input.query ?? {}) as Record<string, unknown>,
    body: parse('body', input.body),
  };
  const parts = op.toUpstream?.(validated) ?? {};
  const path = fillPath(call.path, { ...validated.params, ...parts.pathParams });
  const query =
    parts.query ??
    (Object.keys(validated.query).length
      ? Object.fromEntries(Object.entries(validated.query).map(([k, v]) => [k, v === undefined ? undefined : String(v)]))
      : undefined);
  const sendsBody = op.upstream?.body !== 'none' && call.method !== 'GET';
  return { method: call.method, path, ...(query ? { query } : {}), ...(sendsBody ? { json: parts.body ?? validated.body ?? {} } : {}) };
}

/** `GET /v1/exchange/rate?currencyFrom=eur&...`, PANs and IBANs masked (the data classification's value scan). */
export function requestLine(req: Pick<ProbeRequest, 'method' | 'path' | 'query'>): string {
  const q = req.query ? new URLSearchParams(Object.entries(req.query).filter((e): e is [string, string] => e[1] !== undefined)).toString() : '';
  return maskSensitiveValues(`${req.method} ${req.path}${q ? `?${q}` : ''}`);
}
