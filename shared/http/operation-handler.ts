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
import { prepareP100Transport } from '../p100/client.js';
import { documentClient } from '../store/client.js';
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

type Handler = (event: Event, context: Context) => Promise<Result>;

/**
 * Builds the Lambda handler of one catalog operation: request id, problem+json errors, JSON body,
 * validation (before any upstream call), then the implementation; for `kind: 'money'` the implementation
 * runs inside `withIdempotency` (Idempotency-Key replay/conflict/lock, ledger PENDING/UNKNOWN), and for
 * `kind: 'write'` too when the caller sends an Idempotency-Key (replay/conflict/lock). One line
 * in each entry file, awaited at the top level so it runs during Lambda's init phase:
 *
 * @example
 * export const handler = await operationHandler(lazyOperation('getUserBalances'));
 *
 * With a {@link LazyOperation} (the entry files) everything every request of the operation needs is loaded
 * and evaluated before the handler is returned, i.e. at init (issue 28): its catalog entry (its zod schemas),
 * the request stack, idempotency and ledger recording for writes, ky and fetch for an operation that calls
 * P100, the DynamoDB client where its requests read or write the store, and the secrets it needs. Init runs
 * before the first request, unthrottled where Lambda throttles an invocation to its memory's CPU share
 * (bench/README.md, Lambda CPU model). The catalog module is still a chunk of its own (code splitting): a
 * function evaluates only its own.
 *
 * With a full {@link Operation} (tests, in-process tools) the handler is returned at once and built on its
 * first request.
 */
export function operationHandler(op: LazyOperation, options?: OperationHandlerOptions): Promise<Handler>;
export function operationHandler(op: Operation, options?: OperationHandlerOptions): Handler;
export function operationHandler(op: Operation | LazyOperation, options: OperationHandlerOptions = {}): Handler | Promise<Handler> {
  if (isLazyOperation(op)) return handlerAtInit(op, options);
  if (op.upstream !== null) void prefetchApiKey();
  if (op.kind !== 'read') void prefetchDataKey();
  let built: Promise<Handler> | undefined;
  return async (event, context) => {
    built ??= withMachinery(op, options).catch((e: unknown) => {
      built = undefined;
      throw e;
    });
    return (await built)(event, context);
  };
}

async function handlerAtInit(lazy: LazyOperation, options: OperationHandlerOptions): Promise<Handler> {
  // Secrets over the network while the catalog chunk and zod are evaluated.
  const secrets = Promise.all([lazy.callsUpstream ? prefetchApiKey() : undefined, lazy.kind !== 'read' ? prefetchDataKey() : undefined]);
  const op = await lazy.load();
  const [handler] = await Promise.all([
    withMachinery(op, options),
    op.upstream !== null ? prepareP100Transport() : undefined,
    // Writes record idempotency and the ledger; reads without P100 read the suite's own tables (console, reports).
    op.kind !== 'read' || op.upstream === null ? documentClient() : undefined,
    secrets,
  ]);
  return handler;
}

/**
 * Idempotency and ledger recording (the store, the lifecycle tables) are a chunk of their own, imported only
 * by operations that run them: reads never run idempotency and, without a user or card ledger mapping, no
 * ledger recording, so read functions skip that chunk (never evaluated in a read's container).
 */
async function withMachinery(op: Operation, options: OperationHandlerOptions): Promise<Handler> {
  const impl = options.impl ?? callUpstream;
  const needs = op.kind !== 'read' || op.userLedger !== undefined || op.cardLedger !== undefined;
  const wrapped = needs ? (await import('./operation-machinery.js')).withMoneyMachinery(op, impl) : impl;
  return buildOperationHandler(op, wrapped, options);
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
