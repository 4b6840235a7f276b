import type { HttpMethod, OperationKind } from '../catalog/types.js';
import { P100AuthError, P100BusinessError, P100OutcomeUnknownError, P100TransportError, type AuthReason, type TransportFailure } from './errors.js';
import { fullJitterDelay, retryAfterMs } from './retry-timing.js';

export interface P100ClientOptions {
  baseUrl: string;
  /** Returns the API key (cached by the caller). */
  apiKey: () => Promise<string>;
  /** Fetches the API key again, bypassing caches; called once when P100 answers 401 `xo2`. */
  refreshApiKey: () => Promise<string>;
  /** Attempts at most, the first included (default 4). */
  maxAttempts?: number;
  /** Ceiling of one attempt (default 8 s); also bounded by the time left before the deadline. */
  attemptTimeoutMs?: number;
  /** Total budget when the caller gives no deadline (default 20 s). */
  totalTimeoutMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The longest `Retry-After` we will honour; beyond it we give up at once (default 10 s). */
  maxRetryAfterMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Called after each attempt (logging, metrics, tests). */
  onAttempt?: (info: AttemptInfo) => void;
}

export interface AttemptInfo {
  operationId: string;
  attempt: number;
  outcome: 'ok' | 'business-error' | 'auth' | 'retry' | 'give-up' | 'ambiguous';
  status?: number;
  failure?: string;
  delayMs?: number;
}

export interface P100Request {
  operationId: string;
  kind: OperationKind;
  method: HttpMethod;
  /** Path with placeholders already filled, starting with `/v1/`. */
  path: string;
  query?: Record<string, string | undefined>;
  json?: unknown;
  multipart?: FormData;
  /** Epoch ms by which the call must have finished (the Lambda's remaining time, less a margin). */
  deadline?: number;
}

export interface P100Response {
  status: number;
  body: unknown;
  attempts: number;
  /** Set when a 2xx carries an informational `errorCode` (P211 "POA pending" arrives with 202). */
  infoCode?: string;
}

/** Failures that prove the request never reached P100: safe to retry any method. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

type Classified =
  | { type: 'ok'; status: number; body: unknown; infoCode?: string }
  | { type: 'retry-safe'; failure: TransportFailure; status?: number; retryAfter?: number; detail: string }
  | { type: 'retry-read-only'; failure: TransportFailure; status?: number; detail: string; cause?: unknown }
  | { type: 'business'; error: P100BusinessError }
  | { type: 'auth'; reason: AuthReason };

/**
 * The P100 HTTP client (ARCHITECTURE.md "Calling P100 safely").
 *
 * ky does the HTTP; the retry loop is ours (ky's `retry` is set to 0) because ky cannot express this
 * policy: it decides on HTTP status only, while P100 signals "unavailable" as `P501` inside a 400 body,
 * and it cannot tell a request that never left (connection refused: safe to resend a write) from one
 * that was sent and then lost (reset, timeout: a resent write could move money twice).
 */
export class P100Client {
  readonly #o: Required<Omit<P100ClientOptions, 'onAttempt'>> & Pick<P100ClientOptions, 'onAttempt'>;

  constructor(options: P100ClientOptions) {
    if (!/^https?:\/\//.test(options.baseUrl)) throw new Error(`P100Client: baseUrl must be an http(s) URL, got "${options.baseUrl}"`);
    this.#o = {
      maxAttempts: 4,
      attemptTimeoutMs: 8_000,
      totalTimeoutMs: 20_000,
      baseDelayMs: 100,
      maxDelayMs: 2_000,
      maxRetryAfterMs: 10_000,
      random: Math.random,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      now: Date.now,
      ...options,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
    };
  }

  async call(req: P100Request): Promise<P100Response> {
    const o = this.#o;
    const deadline = req.deadline ?? o.now() + o.totalTimeoutMs;
    const isRead = req.kind === 'read';
    let apiKey = await o.apiKey();
    let keyRefreshed = false;
    let last: { failure: TransportFailure; detail: string; retryAfter?: number } | undefined;

    for (let attempt = 1; attempt <= o.maxAttempts; attempt++) {
      const remaining = deadline - o.now();
      if (remaining <= 50) break;
      const c = await this.#attempt(req, apiKey, Math.min(o.attemptTimeoutMs, remaining));

      switch (c.type) {
        case 'ok':
          o.onAttempt?.({ operationId: req.operationId, attempt, outcome: 'ok', status: c.status });
          return { status: c.status, body: c.body, attempts: attempt, ...(c.infoCode ? { infoCode: c.infoCode } : {}) };
        case 'business':
          o.onAttempt?.({ operationId: req.operationId, attempt, outcome: 'business-error', status: c.error.httpStatus, failure: c.error.errorCode });
          throw c.error;
        case 'auth':
          // A rotated key shows up as xo2: fetch the secret again once and resend. The 401 proves P100 did
          // nothing, so this is safe for writes too, and it does not count as an attempt.
          if (c.reason === 'xo2' && !keyRefreshed) {
            keyRefreshed = true;
            apiKey = await o.refreshApiKey();
            o.onAttempt?.({ operationId: req.operationId, attempt, outcome: 'retry', status: 401, failure: 'xo2' });
            attempt--;
            continue;
          }
          o.onAttempt?.({ operationId: req.operationId, attempt, outcome: 'auth', status: 401, failure: c.reason });
          throw new P100AuthError(c.reason);
        case 'retry-read-only':
          if (!isRead) {
            o.onAttempt?.({ operationId: req.operationId, attempt, outcome: 'ambiguous', status: c.status, failure: c.failure });
            throw new P100OutcomeUnknownError(c.failure, attempt, `${req.operationId}: ${c.detail}`, { cause: c.cause });
          }
          last = { failure: c.failure, detail: c.detail };
          break;
        case 'retry-safe':
          last = { failure: c.failure, detail: c.detail, retryAfter: c.retryAfter };
          break;
      }

      if (attempt === o.maxAttempts) {
        o.onAttempt?.({ operationId: req.operationId, attempt, outcome: 'give-up', failure: last.failure });
        break;
      }
      let delay = last.retryAfter ?? fullJitterDelay(attempt, { baseDelayMs: o.baseDelayMs, maxDelayMs: o.maxDelayMs, random: o.random });
      if (last.retryAfter !== undefined && last.retryAfter > o.maxRetryAfterMs) {
        o.onAttempt?.({ operationId: req.operationId, attempt, outcome: 'give-up', failure: last.failure, delayMs: last.retryAfter });
        break;
      }
      // Never sleep past the deadline: an attempt that cannot finish in time is not worth starting.
      if (o.now() + delay + 50 >= deadline) {
        o.onAttempt?.({ operationId: req.operationId, attempt, outcome: 'give-up', failure: last.failure, delayMs: delay });
        break;
      }
      o.onAttempt?.({ operationId: req.operationId, attempt, outcome: 'retry', failure: last.failure, delayMs: delay });
      delay = Math.max(0, delay);
      await o.sleep(delay);
    }

    const f = last ?? { failure: 'timeout' as const, detail: 'no time left before the deadline' };
    throw new P100TransportError(
      f.failure,
      o.maxAttempts,
      `${req.operationId}: P100 unavailable (${f.detail})`,
      f.retryAfter !== undefined ? Math.ceil(f.retryAfter / 1000) : undefined,
    );
  }

  async #attempt(req: P100Request, apiKey: string, timeoutMs: number): Promise<Classified> {
    const ky = await loadKy();
    const url = this.#o.baseUrl + req.path;
    const searchParams = req.query ? Object.fromEntries(Object.entries(req.query).filter((e): e is [string, string] => e[1] !== undefined)) : undefined;
    let res: Response;
    let text: string;
    try {
      res = await ky(url, {
        method: req.method,
        headers: { 'x-api-key': apiKey, accept: 'application/json' },
        ...(searchParams ? { searchParams } : {}),
        ...(req.json !== undefined ? { json: req.json } : {}),
        ...(req.multipart ? { body: req.multipart } : {}),
        timeout: timeoutMs,
        retry: 0,
        throwHttpErrors: false,
      });
      text = await res.text();
    } catch (e) {
      return classifyThrown(e);
    }
    return classifyResponse(res, text, this.#o.now());
  }
}

/**
 * ky is loaded with `import()`, not at module load: its module body probes `new Request(...)`/`new Response(...)`,
 * which makes Node load its fetch implementation (undici). Functions that never call P100 (webhook receivers,
 * the console's reads) thus never load it; operations that call P100 load it at init ({@link prepareP100Transport}).
 */
let kyModule: Promise<typeof import('ky').default> | undefined;
function loadKy(): Promise<typeof import('ky').default> {
  kyModule ??= import('ky').then((m) => m.default);
  return kyModule;
}

/**
 * Loads ky and Node's fetch (undici) now: a function whose every request calls P100 awaits this at init
 * (issue 28), where Lambda's CPU is not yet throttled to the memory share, instead of on its first request.
 */
export async function prepareP100Transport(): Promise<void> {
  await loadKy();
  // Reading the global makes Node load its fetch implementation (it is a lazy getter).
  void globalThis.fetch;
}

function errorCodeOf(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function classifyThrown(e: unknown): Classified {
  // ky's TimeoutError (and an AbortSignal timeout) is recognised by name, so ky need not be loaded here.
  if (e instanceof Error && e.name === 'TimeoutError') {
    return { type: 'retry-read-only', failure: 'timeout', detail: 'attempt timed out after the request was sent', cause: e };
  }
  const code = errorCodeOf(e);
  if (code && NEVER_SENT_CODES.has(code)) return { type: 'retry-safe', failure: 'network', detail: `connection failed before sending (${code})` };
  return { type: 'retry-read-only', failure: 'network', detail: `connection lost after sending (${code ?? 'network error'})`, cause: e };
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function p100Code(body: unknown): { errorCode?: string; errorName?: string; errorMessage?: string } {
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  return {
    errorCode: typeof b.errorCode === 'string' ? b.errorCode : undefined,
    errorName: typeof b.errorName === 'string' ? b.errorName : undefined,
    errorMessage: typeof b.errorMessage === 'string' ? b.errorMessage : undefined,
  };
}

function authReason(text: string): AuthReason {
  const m = /\bxo([123])\b/.exec(text);
  return m ? (`xo${m[1]}` as AuthReason) : 'unknown';
}

function classifyResponse(res: Response, text: string, now: number): Classified {
  const body = parseBody(text);
  const { errorCode, errorName, errorMessage } = p100Code(body);
  const status = res.status;

  if (status === 401) return { type: 'auth', reason: authReason(text) };
  if (status === 429) {
    return { type: 'retry-safe', failure: 'rate-limited', status, retryAfter: retryAfterMs(res.headers.get('retry-after'), now), detail: 'HTTP 429' };
  }
  if (status >= 500) return { type: 'retry-read-only', failure: 'server-error', status, detail: `HTTP ${status}${errorCode ? ` ${errorCode}` : ''}` };
  // P100 reports its own failures as HTTP 400 with a code (reference contradiction 6).
  if (errorCode === 'P501') return { type: 'retry-safe', failure: 'unavailable', status, detail: 'P501 service temporarily unavailable' };
  if (errorCode === 'P500') return { type: 'retry-read-only', failure: 'server-error', status, detail: 'P500 unknown exception' };
  if (status >= 200 && status < 300) {
    // A 2xx can carry an informational code (P211 "POA pending" with 202): success, with the code kept.
    return { type: 'ok', status, body, ...(errorCode ? { infoCode: errorCode } : {}) };
  }
  if (status >= 400 && status < 500) {
    return { type: 'business', error: new P100BusinessError(status, errorCode ?? `HTTP${status}`, errorName, errorMessage) };
  }
  return { type: 'retry-read-only', failure: 'bad-response', status, detail: `unexpected HTTP ${status}` };
}
