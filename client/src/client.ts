import { randomUUID } from 'node:crypto';
import type * as z from 'zod';
import { operations } from '../../shared/catalog/index.js';
import type { Operation } from '../../shared/catalog/types.js';
import { type Auth, authHeaders } from './auth.js';
import {
  AbortError,
  ConnectionError,
  connectionFailureOf,
  DeadlineError,
  OutcomeUnknownError,
  type Problem,
  ProblemError,
  ResponseShapeError,
  problemSlug,
  systemCode,
} from './errors.js';
import type { CallOptions, OperationId, Operations, Paginators, ResponseMetadata } from './types.js';

/**
 * The typed client: one method per catalog operation, built at run time from the same catalog entries the
 * handlers are built from (shared/catalog), so the method set, routes, Idempotency-Key rules and response
 * schemas cannot drift from the suite.
 *
 * Retries (README "Idempotency"): 429, 503, 409 `idempotency-in-progress` are retried, a write with the SAME
 * Idempotency-Key, after `Retry-After` when the suite sends one, within the call's `timeout`. A request that got
 * no answer at all is retried `maxNetworkRetries` times (default 2), then throws a ConnectionError naming the
 * URL and the cause: a closed port or a host that does not resolve fails within a second, not a deadline. An
 * outcome-unknown answer (502/504 `outcome: "UNKNOWN"`) is never retried: it throws OutcomeUnknownError
 * with the `ledgerRef` reconciliation resolves it under.
 */

export interface ClientOptions {
  /** The suite's base URL (`http://127.0.0.1:3000` locally, the stack's ApiUrl output in AWS). */
  baseUrl: string;
  auth?: Auth;
  /** Region for SigV4 when the URL is not an execute-api host (custom domain). */
  region?: string;
  /** Every call's time budget in ms, retries included (default 30 s); a call's own `timeout` overrides it. */
  timeout?: number;
  /** How often a request that got no answer (refused, reset, DNS) is sent again (default 2). */
  maxNetworkRetries?: number;
  /** Longest wait between two attempts (default 5 s); a longer `Retry-After` than the deadline allows ends the call. */
  maxBackoffMs?: number;
  /** First backoff without `Retry-After` (default 200 ms, doubled per attempt, with jitter). */
  baseBackoffMs?: number;
  /** Called before each retry: the CLI shows progress with it. `idempotencyKey` is set for a write only. */
  onRetry?: (info: { operationId: string; attempt: number; delayMs: number; reason: string; idempotencyKey: string | undefined }) => void;
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
  const timeoutDefault = options.timeout ?? 30_000;
  const networkRetriesDefault = options.maxNetworkRetries ?? 2;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  const baseBackoff = options.baseBackoffMs ?? 200;
  const byId = new Map(operations.map((op) => [op.operationId, op]));

  async function invoke(op: Operation, input: RawInput = {}): Promise<unknown> {
    const url = new URL(`${baseUrl}${fillPath(op.route.path, input.path)}${queryString(input.query)}`);
    const hasBody = op.request.body !== undefined;
    const body = hasBody ? JSON.stringify(input.body ?? {}) : undefined;
    // A write's key is fixed before the first attempt and kept across retries: the suite answers a resend with
    // the first answer, never a second operation. A read has none, and no message mentions one.
    const idempotencyKey = op.kind === 'read' ? undefined : (input.idempotencyKey ?? randomUUID());
    const resend = idempotencyKey ? `; resend only with Idempotency-Key ${idempotencyKey}` : '';
    const timeoutMs = input.timeout ?? timeoutDefault;
    const networkRetries = input.maxNetworkRetries ?? networkRetriesDefault;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = input.signal ? AbortSignal.any([input.signal, deadline]) : deadline;
    const started = Date.now();
    let attempt = 0;
    let networkFailures = 0;
    let retryDelayMs = 0;
    /** The caller's abort or the time budget, whichever stopped the call. */
    const stopped = (cause: unknown): Error =>
      input.signal?.aborted
        ? new AbortError(`${op.operationId}: aborted by the caller${resend}`, idempotencyKey, attempt, input.signal.reason ?? cause)
        : new DeadlineError(`${op.operationId}: no answer within ${timeoutMs} ms (${attempt} attempt(s))${resend}`, idempotencyKey, attempt, cause);
    for (;;) {
      attempt++;
      const headers: Record<string, string> = {
        accept: 'application/json, application/problem+json',
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      };
      // Signing sits outside the network try: a signer or credential failure is not a failure to connect.
      if (signal.aborted) throw stopped(signal.reason);
      const signed = await authHeaders(auth, { method: op.route.method, url, headers, ...(body !== undefined ? { body } : {}) }, options.region);
      let res: Response;
      try {
        res = await doFetch(url, { method: op.route.method, headers: { ...headers, ...signed }, ...(body !== undefined ? { body } : {}), signal });
      } catch (e) {
        if (signal.aborted) throw stopped(e);
        const code = systemCode(e);
        const failure = connectionFailureOf(code);
        networkFailures++;
        // No answer at all. Refused, reset or unresolvable: retried a bounded number of times (a write under its
        // same key, which makes the resend harmless), then named. A TLS failure will not mend by itself.
        if (failure === 'tls' || networkFailures > networkRetries) throw new ConnectionError(url.origin, failure, code, attempt, idempotencyKey, e);
        await backoff(attempt, undefined, `cannot reach ${url.origin} (${code ?? 'network error'})`, e);
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
        const replayed = res.headers.get('idempotent-replayed') === 'true';
        const r = (op.response as z.ZodType).safeParse(parsed);
        // A replay (same key again) is the stored copy of the first answer, whose secrets the suite keeps masked
        // (a presigned URL, a card number: README "Idempotency"): same fields, masked text. It is the answer.
        let result: unknown = parsed;
        if (r.success) result = r.data;
        else if (!replayed) {
          throw new ResponseShapeError(
            `${op.operationId}: the ${res.status} answer does not match its schema (${r.error.issues.map((i) => i.path.join('.') || 'body').join(', ')})`,
            res.status,
            parsed,
          );
        }
        if (typeof result === 'object' && result !== null) {
          metadata.set(result, {
            httpStatusCode: res.status,
            requestId: res.headers.get('x-request-id') ?? undefined,
            idempotencyKey,
            idempotentReplayed: replayed,
            attempts: attempt,
            totalRetryDelayMs: Math.round(retryDelayMs),
          });
        }
        return result;
      }
      const problem = asProblem(parsed, res.status);
      if (isOutcomeUnknown(problem)) throw new OutcomeUnknownError(problem, idempotencyKey);
      const after = retryAfterSeconds(res.headers.get('retry-after'));
      if (!retryable(res.status, problem)) throw new ProblemError(problem, after);
      await backoff(attempt, after, `${res.status} ${problemSlug(problem.type)}`, new ProblemError(problem, after));
    }

    async function backoff(n: number, afterSeconds: number | undefined, reason: string, failure: unknown): Promise<void> {
      const exp = Math.min(maxBackoff, baseBackoff * 2 ** (n - 1));
      const delay = afterSeconds !== undefined ? afterSeconds * 1000 : exp / 2 + Math.random() * (exp / 2);
      const left = timeoutMs - (Date.now() - started);
      // Waiting past the time budget would only fail later: give the caller the last answer now.
      if (delay >= left) {
        if (failure instanceof ProblemError) throw failure;
        throw new DeadlineError(`${op.operationId}: gave up after ${n} attempt(s) (${reason})${resend}`, idempotencyKey, n, failure);
      }
      options.onRetry?.({ operationId: op.operationId, attempt: n, delayMs: Math.round(delay), reason, idempotencyKey });
      try {
        await sleep(delay, signal);
      } catch (e) {
        throw stopped(e);
      }
      retryDelayMs += delay;
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

const metadata = new WeakMap<object, ResponseMetadata>();

/**
 * What the call that returned `result` learnt besides the answer: status, request id, Idempotency-Key,
 * `Idempotent-Replayed`, attempts and the time spent between them (AWS SDK v3's `$metadata`, kept beside the
 * answer instead of inside it). Undefined for an object no call returned.
 */
export function metadataOf(result: object): ResponseMetadata | undefined {
  return metadata.get(result);
}

/** Every operationId, for tools (the CLI's completion and help). */
export function operationIds(): OperationId[] {
  return operations.map((op) => op.operationId as OperationId);
}
