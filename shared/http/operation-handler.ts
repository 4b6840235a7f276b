import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Operation, OperationInput } from '../catalog/types.js';
import { isLazyOperation, type LazyOperation } from '../catalog/lazy.js';
import { logger } from '../log/logger.js';
import { fillPath, resolveUpstream } from '../p100/upstream.js';
import { operatorOf } from './operator.js';
import { jsonBody, problemErrors, requestContext, requestState } from './middlewares.js';
import type { OperationContext, OperationImpl } from './operation-impl.js';
import { HttpProblem, validationProblem, type FieldProblem } from './problem.js';
import { p100Client, prefetchApiKey } from '../p100/container-client.js';
import { prefetchDataKey } from '../secrets/data-key.js';
import { check } from './validation.js';

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

export interface OperationHandlerOptions {
  /** The operation's own logic; default: call P100 as the catalog says and return its parsed answer. */
  impl?: OperationImpl;
  /** Extra middlewares, run after validation (idempotency, for instance). */
  middlewares?: MiddlewareObj<Event, Result>[];
}

/** Time kept back from the Lambda's deadline to record an outcome and answer. */
const DEADLINE_MARGIN_MS = 500;

/** The Idempotency-Key rule. Checked without zod: the handler then loads zod only with its catalog entry. */
export const idempotencyKeyPattern = /^[A-Za-z0-9_.:-]{8,128}$/;

function checkIdempotencyKey(value: string | undefined, problems: FieldProblem[]): void {
  // The same messages the zod string-with-regex schema gave.
  if (value === undefined) problems.push({ in: 'header', field: 'Idempotency-Key', message: 'Invalid input: expected string, received undefined' });
  else if (!idempotencyKeyPattern.test(value))
    problems.push({ in: 'header', field: 'Idempotency-Key', message: '8 to 128 characters: letters, digits, _ . : -' });
}

/** The validated input stored on the event for the handler and later middlewares. */
const INPUT = Symbol('p100.input');
type WithInput = Event & { [INPUT]?: OperationInput };

export function validatedInput(event: Event): OperationInput {
  const i = (event as WithInput)[INPUT];
  if (!i) throw new Error('validation middleware did not run');
  return i;
}

/** Validates path, query, headers and body against the catalog entry before anything else happens. */
function validateRequest(op: Operation): MiddlewareObj<Event, Result> {
  return {
    before: (request) => {
      const problems: FieldProblem[] = [];
      const e = request.event;
      const params = op.request.params ? check('path', op.request.params, e.pathParameters ?? {}, problems) : {};
      const rawQuery = e.queryStringParameters ?? {};
      let query: unknown = {};
      if (op.request.query) query = check('query', op.request.query, rawQuery, problems);
      else for (const k of Object.keys(rawQuery)) problems.push({ in: 'query', field: k, message: 'unknown query parameter' });
      const json = requestState(request.context).json;
      let body: unknown;
      if (op.request.body) {
        // The body is required (openapi.json says so): `null` or nothing is refused, never read as `{}`.
        if (json === undefined || json === null) problems.push({ in: 'body', field: '(root)', message: 'a JSON object body is required' });
        else body = check('body', op.request.body, json, problems);
      } else if (json !== undefined && !(typeof json === 'object' && json !== null && Object.keys(json).length === 0)) {
        problems.push({ in: 'body', field: '(root)', message: 'this operation takes no body' });
      }
      // Required on money operations; accepted on every other write (issue 13 item 7), validated when sent.
      const idempotencyKey = e.headers?.['idempotency-key'];
      if (op.kind === 'money' || (op.kind === 'write' && idempotencyKey !== undefined)) checkIdempotencyKey(idempotencyKey, problems);
      if (problems.length) throw validationProblem(problems);
      (e as WithInput)[INPUT] = { params: params as Record<string, string>, query: query as Record<string, unknown>, body };
    },
  };
}

/**
 * The stack every operation runs before its implementation: problem+json errors, request id, the JSON body
 * (strict: duplicate keys refused), validation against the catalog entry. Exported so the contract property
 * test drives exactly this stack with a stub implementation.
 */
export function requestStack(op: Operation) {
  return middy<Event, Result>().use(problemErrors(op.operationId, op.redact)).use(requestContext()).use(jsonBody()).use(validateRequest(op));
}

/** The default implementation: one P100 call shaped by the catalog entry. */
export const callUpstream: OperationImpl = async (input, ctx) => {
  const { op } = ctx;
  const up = resolveUpstream(op);
  const parts = op.toUpstream?.(input) ?? {};
  const path = fillPath(up.path, { ...input.params, ...parts.pathParams });
  const query = parts.query ?? (Object.keys(input.query).length ? stringify(input.query) : undefined);
  const sendsBody = up.body !== 'none' && up.method !== 'GET';
  const json = sendsBody ? (parts.body ?? input.body ?? {}) : undefined;
  const res = await ctx.client().call({ operationId: op.operationId, kind: op.kind, method: up.method, path, query, json, deadline: ctx.deadline });
  const parsed = op.response.safeParse(res.body);
  if (!parsed.success) {
    logger.warn('upstream response does not match the catalog schema', { operationId: op.operationId, issues: parsed.error.issues.length });
    // A read we cannot interpret is a failed read. A write already happened at P100: pass its answer on.
    if (op.kind === 'read') throw new HttpProblem(502, 'upstream-contract', 'P100 answered in an unexpected shape');
    return { status: op.successStatus ?? 200, body: res.body };
  }
  return { status: op.successStatus ?? 200, body: parsed.data, ...(res.infoCode ? { headers: { 'x-p100-info-code': res.infoCode } } : {}) };
};

function stringify(q: Record<string, unknown>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v === undefined ? undefined : String(v)]));
}

/**
 * Builds the Lambda handler of one catalog operation: request id, problem+json errors, JSON body,
 * validation (before any upstream call), then the implementation; for `kind: 'money'` the implementation
 * runs inside `withIdempotency` (Idempotency-Key replay/conflict/lock, ledger PENDING/UNKNOWN), and for
 * `kind: 'write'` too when the caller sends an Idempotency-Key (replay/conflict/lock). One line
 * in each entry file:
 *
 * @example
 * export const handler = operationHandler(lazyOperation('getUserBalances'));
 *
 * With a {@link LazyOperation} the catalog entry (its zod schemas) is loaded on the first request and the
 * handler built then, once per container; the secrets it needs are prefetched at cold start as before.
 */
export function operationHandler(op: Operation | LazyOperation, options: OperationHandlerOptions = {}): (event: Event, context: Context) => Promise<Result> {
  const lazy = isLazyOperation(op) ? op : undefined;
  if (lazy ? lazy.callsUpstream : (op as Operation).upstream !== null) prefetchApiKey();
  if (op.kind !== 'read') prefetchDataKey();
  let built: Promise<(event: Event, context: Context) => Promise<Result>> | undefined;
  return async (event, context) => {
    built ??= (async () => {
      const full = lazy ? await lazy.load() : (op as Operation);
      // Idempotency and ledger recording (the store, the lifecycle tables) on the first request too: a read
      // never runs them, and nothing of them is needed before a request arrives (bench B2).
      const { withMoneyMachinery } = await import('./operation-machinery.js');
      return buildOperationHandler(full, withMoneyMachinery(full, options.impl ?? callUpstream), options);
    })().catch((e: unknown) => {
      built = undefined;
      throw e;
    });
    return (await built)(event, context);
  };
}

function buildOperationHandler(op: Operation, impl: OperationImpl, options: OperationHandlerOptions) {
  const chain = requestStack(op);
  for (const m of options.middlewares ?? []) chain.use(m);
  return chain.handler(async (event, context) => {
    const state = requestState(context);
    const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 29_000;
    const ctx: OperationContext = {
      op,
      requestId: state.requestId,
      deadline: Date.now() + Math.max(1_000, remaining - DEADLINE_MARGIN_MS),
      client: p100Client,
      headers: event.headers ?? {},
      operator: operatorOf(event),
      lambda: context,
    };
    const out = await impl(validatedInput(event), ctx);
    const status = out.status ?? op.successStatus ?? 200;
    logger.info('request done', { operationId: op.operationId, status, durationMs: Date.now() - state.startedAt });
    return {
      statusCode: status,
      headers: { 'content-type': 'application/json', ...out.headers },
      body: out.body === undefined ? '' : JSON.stringify(out.body),
    };
  });
}
