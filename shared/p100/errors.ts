/**
 * Typed errors of the P100 client. One class per way a call can fail, so callers decide with `instanceof`:
 * - P100BusinessError: P100 answered and refused (`errorCode`/`errorName`), nothing happened;
 * - P100AuthError: P100 rejected our credentials (`xo1` no key, `xo2` wrong key, `xo3` IP not allow-listed);
 * - P100TransportError: P100 could not be reached or stayed unavailable after the retries allowed;
 * - P100OutcomeUnknownError: a write may or may not have taken effect. Never retry it blindly:
 *   record the operation as UNKNOWN and let reconciliation resolve it.
 */

export class P100BusinessError extends Error {
  override readonly name = 'P100BusinessError';
  constructor(
    readonly httpStatus: number,
    readonly errorCode: string,
    readonly errorName: string | undefined,
    readonly errorMessage?: string,
  ) {
    super(`P100 refused the request: ${errorCode}${errorName ? ` ${errorName}` : ''} (HTTP ${httpStatus})`);
  }
}

export type AuthReason = 'xo1' | 'xo2' | 'xo3' | 'unknown';

export class P100AuthError extends Error {
  override readonly name = 'P100AuthError';
  constructor(readonly reason: AuthReason) {
    super(
      reason === 'xo3'
        ? 'P100 denied access (xo3): this egress IP is not on the partner allow-list; register the static egress IP with P100'
        : `P100 denied access (${reason}): check the API key secret`,
    );
  }
}

export type TransportFailure = 'timeout' | 'network' | 'rate-limited' | 'unavailable' | 'server-error' | 'bad-response';

export class P100TransportError extends Error {
  override readonly name: string = 'P100TransportError';
  constructor(
    readonly failure: TransportFailure,
    readonly attempts: number,
    message: string,
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class P100OutcomeUnknownError extends P100TransportError {
  override readonly name = 'P100OutcomeUnknownError';
  readonly outcome = 'UNKNOWN' as const;
  constructor(failure: TransportFailure, attempts: number, message: string, options?: { cause?: unknown }) {
    super(failure, attempts, `${message}; the write may have taken effect at P100 (outcome UNKNOWN)`, undefined, options);
  }
}
