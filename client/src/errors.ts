/**
 * The errors a client call throws. Every one says whether the request may have been carried out, because
 * that decides what a company app may do next (README "Idempotency"): a `ProblemError` was refused and
 * changed nothing; an `OutcomeUnknownError` may have moved money and must never be sent again under a new
 * key; a `DeadlineError` on a write is resent, if at all, under the SAME key.
 */

export interface FieldError {
  in: 'body' | 'query' | 'path' | 'header';
  field: string;
  message: string;
}

/** The problem+json body (RFC 9457) the suite answers errors with (shared/http/problem.ts). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  requestId?: string;
  errors?: FieldError[];
  upstream?: { errorCode: string; errorName?: string };
  outcome?: string;
  ledgerRef?: LedgerRef;
}

/** Where the suite's ledger recorded an operation whose outcome it could not see (reconciliation resolves it). */
export interface LedgerRef {
  type: string;
  id: string;
}

/** The slug of a problem type URI (`tag:p100-suite,2026:problem/validation` → `validation`). */
export function problemSlug(type: string): string {
  const i = type.lastIndexOf('/');
  return i === -1 ? type : type.slice(i + 1);
}

/** The suite refused the request (4xx) or failed without acting (5xx other than outcome-unknown). */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly status: number;
  /** The problem type URI; `slug` is its last segment (`validation`, `upstream-refused`, ...). */
  readonly type: string;
  readonly slug: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly fieldErrors: readonly FieldError[];
  /** P100's business code (`P433`) when P100 refused. */
  readonly upstreamCode: string | undefined;
  readonly requestId: string | undefined;
  /** Seconds from `Retry-After`, when the suite sent one. */
  readonly retryAfterSeconds: number | undefined;
  readonly problem: Problem;

  constructor(problem: Problem, retryAfterSeconds?: number) {
    super(`${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`);
    this.problem = problem;
    this.status = problem.status;
    this.type = problem.type;
    this.slug = problemSlug(problem.type);
    this.title = problem.title;
    this.detail = problem.detail;
    this.fieldErrors = problem.errors ?? [];
    this.upstreamCode = problem.upstream?.errorCode;
    this.requestId = problem.requestId;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * P100 may or may not have carried out this write. It is recorded under `ledgerRef` and reconciliation
 * resolves it; the client never retries it, and it must not be sent again under a new Idempotency-Key.
 */
export class OutcomeUnknownError extends Error {
  override readonly name = 'OutcomeUnknownError';
  readonly status: number;
  readonly ledgerRef: LedgerRef | undefined;
  /** The key the write was sent under: a resend with this key replays this answer, never a second transfer. */
  readonly idempotencyKey: string | undefined;
  readonly problem: Problem;

  constructor(problem: Problem, idempotencyKey: string | undefined) {
    super(
      `${problem.status} outcome unknown${problem.ledgerRef ? ` (ledgerRef ${problem.ledgerRef.type}/${problem.ledgerRef.id})` : ''}: do not resend under a new Idempotency-Key`,
    );
    this.problem = problem;
    this.status = problem.status;
    this.ledgerRef = problem.ledgerRef;
    this.idempotencyKey = idempotencyKey;
  }
}

/** The call's time budget (`timeout`) ran out before an answer; for a write, resend only with `idempotencyKey`. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
  constructor(
    message: string,
    readonly idempotencyKey: string | undefined,
    readonly attempts: number,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** The caller aborted the call (its `signal`); `cause` is the signal's reason. For a write, resend only with `idempotencyKey`. */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  constructor(
    message: string,
    readonly idempotencyKey: string | undefined,
    readonly attempts: number,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** Why a request got no HTTP answer at all. */
export type ConnectionFailure = 'refused' | 'dns' | 'tls' | 'reset' | 'timeout' | 'other';

/**
 * The suite could not be reached: the URL and the cause (`refused`: nothing listens there; `dns`: the host does not
 * resolve; `tls`: the certificate or handshake failed), after `attempts` tries. Nothing reached the suite on the
 * last attempt; for a write, an earlier attempt may have, so resend only with `idempotencyKey`.
 */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    readonly url: string,
    readonly failure: ConnectionFailure,
    /** The system's code (`ECONNREFUSED`, `ENOTFOUND`, `CERT_HAS_EXPIRED`, ...) when there was one. */
    readonly code: string | undefined,
    readonly attempts: number,
    readonly idempotencyKey: string | undefined,
    override readonly cause?: unknown,
  ) {
    super(
      `cannot reach ${url}: ${CONNECTION_WORDS[failure]}${code ? ` (${code})` : ''}${attempts > 1 ? ` after ${attempts} attempts` : ''}${idempotencyKey ? `; resend only with Idempotency-Key ${idempotencyKey}` : ''}`,
    );
  }
}

const CONNECTION_WORDS: Record<ConnectionFailure, string> = {
  refused: 'connection refused',
  dns: 'the host name does not resolve',
  tls: 'TLS failed',
  reset: 'the connection was closed',
  timeout: 'the connection timed out',
  other: 'network error',
};

/** The system error code under a fetch failure (undici wraps it in `cause`, sometimes twice). */
export function systemCode(e: unknown): string | undefined {
  for (let x: unknown = e, depth = 0; x && depth < 5; depth++) {
    const r = x as { code?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof r.code === 'string' && r.code !== 'UND_ERR_SOCKET') return r.code;
    if (Array.isArray(r.errors) && r.errors.length > 0) x = r.errors[0];
    else x = r.cause;
  }
  return undefined;
}

/** What a system error code means for the caller. */
export function connectionFailureOf(code: string | undefined): ConnectionFailure {
  if (!code) return 'other';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return 'dns';
  if (/CERT|SSL|TLS|ERR_TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return 'tls';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED') return 'reset';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'timeout';
  return 'other';
}

/** A 2xx answer that does not match the operation's response schema: the call DID succeed; `body` holds what came back. */
export class ResponseShapeError extends Error {
  override readonly name = 'ResponseShapeError';
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}
