import { randomUUID } from 'node:crypto';
import type * as z from 'zod';
import { operations } from '../../shared/catalog/index.js';
import type { Operation } from '../../shared/catalog/types.js';
import { type Auth, authHeaders } from './auth.js';
import { DeadlineError, OutcomeUnknownError, type Problem, ProblemError, ResponseShapeError, problemSlug } from './errors.js';
import type { CallOptions, OperationId, Operations, Paginators } from './types.js';

/**
 * The typed client: one method per catalog operation, built at run time from the same catalog entries the
 * handlers are built from (shared/catalog), so the method set, routes, Idempotency-Key rules and response
 * schemas cannot drift from the suite.
 *
 * Retries (README "Idempotency"): 429, 503, 409 `idempotency-in-progress` and network failures are retried
 * with the SAME Idempotency-Key, after `Retry-After` when the suite sends one, within the call's deadline. An
 * outcome-unknown answer (502/504 `outcome: "UNKNOWN"`) is never retried: it throws OutcomeUnknownError
 * with the `ledgerRef` reconciliation resolves it under.
 */

export interface ClientOptions {
  /** The suite's base URL (`http://127.0.0.1:3000` locally, the stack's ApiUrl output in AWS). */
  baseUrl: string;
  auth?: Auth;
  /** Region for SigV4 when the URL is not an execute-api host (custom domain). */
  region?: string;
  /** Every call's deadline, retries included (default 30 s). */
  deadlineMs?: number;
  /** Longest wait between two attempts (default 5 s); a longer `Retry-After` than the deadline allows ends the call. */
  maxBackoffMs?: number;
  /** First backoff without `Retry-After` (default 200 ms, doubled per attempt, with jitter). */
  baseBackoffMs?: number;
  /** Called before each retry: the CLI shows progress with it. */
  onRetry?: (info: { operationId: string; attempt: number; delayMs: number; reason: string }) => void;
  fetch?: typeof fetch;
}

export interface P100Client extends Operations {
  /** Async iterators over every paged list: `for await (const e of client.paginate.listInboxEvents({})) ...`. */
  readonly paginate: Paginators;
  /** Any operation by id, untyped input: what `p100 call` uses. */
  call(operationId: string, input?: RawInput): Promise<unknown>;
  readonly baseUrl: string;
}

/** The untyped form of an operation's input. */
export interface RawInput extends CallOptions {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/** Statuses retried with the same key: the suite did nothing, or is still doing it (409 idempotency-in-progress). */
function retryable(status: number, problem: Problem | undefined): boolean {
  if (status === 429 || status === 503) return true;
  return status === 409 && problem !== undefined && problemSlug(problem.type) === 'idempotency-in-progress';
}

function isOutcomeUnknown(problem: Problem | undefined): boolean {
  return problem !== undefined && (problem.outcome === 'UNKNOWN' || problemSlug(problem.type) === 'outcome-unknown');
}

/** `Retry-After` as seconds (delta or HTTP date), or undefined. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asProblem(body: unknown, status: number): Problem {
  if (isRecord(body) && typeof body.type === 'string' && typeof body.title === 'string') return { ...(body as unknown as Problem), status };
  return { type: 'about:blank', title: `HTTP ${status}`, status, ...(typeof body === 'string' && body ? { detail: body.slice(0, 500) } : {}) };
}

/** Fills `{name}` placeholders of a route with the caller's path values. */
export function fillPath(template: string, values: Record<string, unknown> = {}): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined || v === null || v === '') throw new TypeError(`path.${name} is required`);
    return encodeURIComponent(String(v));
  });
}

function queryString(query: Record<string, unknown> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, String(x));
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The field of a response schema holding the page's items (the one array of `items`, `transactions`, `discrepancies`). */
function itemsField(op: Operation): string | undefined {
  const shape = (op.response as unknown as { shape?: Record<string, { def?: { type?: string } }> }).shape ?? {};
  return Object.keys(shape).find((k) => shape[k]?.def?.type === 'array');
}

/** How a list pages: by `cursor` (suite-served lists) or by `page` (P100 history). */
export function pagingOf(op: Operation): 'cursor' | 'page' | undefined {
  const shape = (op.request.query as unknown as { shape?: Record<string, unknown> } | undefined)?.shape;
  if (!shape) return undefined;
  if ('cursor' in shape) return 'cursor';
  if ('page' in shape) return 'page';
  return undefined;
}

export function createClient(options: ClientOptions): P100Client {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const auth = options.auth ?? 'none';
  const doFetch = options.fetch ?? fetch;
  const deadlineDefault = options.deadlineMs ?? 30_000;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  const baseBackoff = options.baseBackoffMs ?? 200;
  const byId = new Map(operations.map((op) => [op.operationId, op]));

  async function invoke(op: Operation, input: RawInput = {}): Promise<unknown> {
    const url = new URL(`${baseUrl}${fillPath(op.route.path, input.path)}${queryString(input.query)}`);
    const hasBody = op.request.body !== undefined;
    const body = hasBody ? JSON.stringify(input.body ?? {}) : undefined;
    // A write's key is fixed before the first attempt and kept across retries: the suite answers a resend with
    // the first answer, never a second operation.
    const idempotencyKey = op.kind === 'read' ? undefined : (input.idempotencyKey ?? randomUUID());
    const deadlineMs = input.deadlineMs ?? deadlineDefault;
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = input.signal ? AbortSignal.any([input.signal, deadline]) : deadline;
    const started = Date.now();
    let attempt = 0;
    let lastFailure: unknown;
    for (;;) {
      attempt++;
      const headers: Record<string, string> = {
        accept: 'application/json, application/problem+json',
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      };
      let res: Response;
      try {
        const signed = await authHeaders(auth, { method: op.route.method, url, headers, ...(body !== undefined ? { body } : {}) }, options.region);
        res = await doFetch(url, { method: op.route.method, headers: { ...headers, ...signed }, ...(body !== undefined ? { body } : {}), signal });
      } catch (e) {
        if (signal.aborted) {
          throw new DeadlineError(
            `${op.operationId}: no answer within ${deadlineMs} ms${idempotencyKey ? `; resend only with Idempotency-Key ${idempotencyKey}` : ''}`,
            idempotencyKey,
            attempt,
            e,
          );
        }
        // Connection refused or reset: retried with the same key, which makes a resend of a write harmless.
        lastFailure = e;
        await backoff(op, attempt, undefined, 'network error', e);
        continue;
      }
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : {};
      } catch {
        /* not JSON: kept as text for the error */
      }
      if (res.ok) {
        const r = (op.response as z.ZodType).safeParse(parsed);
        // A replay (same key again) is the stored copy of the first answer, whose secrets the suite keeps masked
        // (a presigned URL, a card number: README "Idempotency"): same fields, masked text. It is the answer.
        if (!r.success && res.headers.get('idempotent-replayed') === 'true') return parsed;
        if (!r.success) {
          throw new ResponseShapeError(
            `${op.operationId}: the ${res.status} answer does not match its schema (${r.error.issues.map((i) => i.path.join('.') || 'body').join(', ')})`,
            res.status,
            parsed,
          );
        }
        return r.data;
      }
      const problem = asProblem(parsed, res.status);
      if (isOutcomeUnknown(problem)) throw new OutcomeUnknownError(problem, idempotencyKey);
      const after = retryAfterSeconds(res.headers.get('retry-after'));
      if (!retryable(res.status, problem)) throw new ProblemError(problem, after);
      lastFailure = new ProblemError(problem, after);
      await backoff(op, attempt, after, `${res.status} ${problemSlug(problem.type)}`, lastFailure);
    }

    async function backoff(o: Operation, n: number, afterSeconds: number | undefined, reason: string, failure: unknown): Promise<void> {
      const exp = Math.min(maxBackoff, baseBackoff * 2 ** (n - 1));
      const delay = afterSeconds !== undefined ? afterSeconds * 1000 : exp / 2 + Math.random() * (exp / 2);
      const left = deadlineMs - (Date.now() - started);
      // Waiting past the deadline would only fail later: give the caller the last answer now.
      if (delay >= left) {
        if (failure instanceof ProblemError) throw failure;
        throw new DeadlineError(
          `${o.operationId}: gave up after ${n} attempt(s) (${reason})${idempotencyKey ? `; resend only with Idempotency-Key ${idempotencyKey}` : ''}`,
          idempotencyKey,
          n,
          failure,
        );
      }
      options.onRetry?.({ operationId: o.operationId, attempt: n, delayMs: Math.round(delay), reason });
      try {
        await sleep(delay, signal);
      } catch (e) {
        throw new DeadlineError(`${o.operationId}: aborted while waiting to retry (${reason})`, idempotencyKey, n, e ?? lastFailure);
      }
    }
  }

  async function* paginate(op: Operation, input: RawInput): AsyncGenerator<unknown> {
    const mode = pagingOf(op);
    const field = itemsField(op);
    if (!mode || !field) throw new TypeError(`${op.operationId} is not a paged list`);
    let cursor: string | undefined;
    let page = 1;
    for (;;) {
      const query = { ...(input.query ?? {}), ...(mode === 'cursor' ? (cursor ? { cursor } : {}) : { page }) };
      const out = (await invoke(op, { ...input, query })) as Record<string, unknown>;
      const items = (out[field] as unknown[] | undefined) ?? [];
      for (const item of items) yield item;
      if (mode === 'cursor') {
        const next = out.cursor ?? out.nextCursor;
        if (typeof next !== 'string' || next === '' || items.length === 0) return;
        cursor = next;
      } else {
        const totalPages = typeof out.totalPages === 'number' ? out.totalPages : undefined;
        if (items.length === 0 || (totalPages !== undefined && page >= totalPages)) return;
        page++;
      }
    }
  }

  const methods: Record<string, (input?: RawInput) => Promise<unknown>> = {};
  const paginators: Record<string, (input?: RawInput) => AsyncIterable<unknown>> = {};
  for (const op of operations) {
    methods[op.operationId] = (input) => invoke(op, input);
    if (pagingOf(op) && itemsField(op)) paginators[op.operationId] = (input) => paginate(op, input ?? {});
  }
  const call = (operationId: string, input?: RawInput) => {
    const op = byId.get(operationId);
    if (!op) throw new TypeError(`unknown operation ${operationId}`);
    return invoke(op, input);
  };
  return Object.assign(methods, { paginate: paginators, call, baseUrl }) as unknown as P100Client;
}

/** Every operationId, for tools (the CLI's completion and help). */
export function operationIds(): OperationId[] {
  return operations.map((op) => op.operationId as OperationId);
}
