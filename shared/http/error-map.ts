import { P100AuthError, P100BusinessError, P100OutcomeUnknownError, P100TransportError } from '../p100/errors.js';
import { HttpProblem } from './problem.js';

/**
 * P100 business codes to our HTTP status. The caller asked for something P100 will not do:
 * 404 when a thing does not exist, 409 when the state forbids it now, 422 when the request is
 * well-formed but unacceptable. Codes not listed map by P100's own status (404 stays 404, else 422).
 */
const BUSINESS_STATUS: Readonly<Record<string, number>> = {
  P412: 404,
  P428: 404,
  P434: 404,
  P460: 404,
  P466: 404,
  P411: 409,
  P447: 409,
  P455: 409,
  P459: 409,
  P461: 409,
  P462: 409,
  P463: 409,
  P467: 409,
  P403: 422,
  P410: 422,
  P424: 422,
  P426: 422,
  P433: 422,
  P440: 422,
  P451: 422,
  P464: 422,
  P465: 422,
};

/** Codes that mean our side is misconfigured, not the caller: reported as a bad gateway. */
const PARTNER_SETUP_CODES = new Set(['P418']);

/** Maps anything thrown by a handler to the problem the caller sees. Unknown errors become a bare 500. */
export function toProblem(err: unknown): HttpProblem {
  if (err instanceof HttpProblem) return err;

  if (err instanceof P100BusinessError) {
    const upstream = { errorCode: err.errorCode, ...(err.errorName ? { errorName: err.errorName } : {}) };
    if (PARTNER_SETUP_CODES.has(err.errorCode)) {
      return new HttpProblem(502, 'upstream-setup', 'P100 rejected the partner configuration', err.errorName, { upstream });
    }
    const status = BUSINESS_STATUS[err.errorCode] ?? (err.httpStatus === 404 ? 404 : 422);
    const title = status === 404 ? 'Not found at P100' : status === 409 ? 'Not allowed in the current state' : 'Refused by P100';
    // The slug says what happened: an id P100 does not know is not-found (P100's code stays in `upstream`).
    return new HttpProblem(status, status === 404 ? 'not-found' : 'upstream-refused', title, err.errorName ?? err.errorCode, { upstream });
  }

  if (err instanceof P100AuthError) {
    return new HttpProblem(
      502,
      'upstream-auth',
      'P100 rejected our credentials',
      err.reason === 'xo3' ? 'egress IP not on the P100 allow-list' : 'API key missing or wrong',
      {
        upstream: { errorCode: err.reason },
      },
    );
  }

  if (err instanceof P100OutcomeUnknownError) {
    return new HttpProblem(
      err.failure === 'timeout' ? 504 : 502,
      'outcome-unknown',
      'Outcome unknown',
      'P100 may or may not have carried out this request. It is recorded as UNKNOWN and will be resolved by reconciliation; do not resend it with a new Idempotency-Key.',
      { outcome: 'UNKNOWN' },
    );
  }

  if (err instanceof P100TransportError) {
    const headers: Record<string, string> = err.retryAfterSeconds !== undefined ? { 'retry-after': String(err.retryAfterSeconds) } : {};
    switch (err.failure) {
      case 'timeout':
        return new HttpProblem(504, 'upstream-timeout', 'P100 did not answer in time', undefined, {}, headers);
      case 'rate-limited':
      case 'unavailable':
        return new HttpProblem(503, 'upstream-unavailable', 'P100 is temporarily unavailable', 'Nothing was done; retry later.', {}, headers);
      case 'network':
      case 'server-error':
      case 'bad-response':
        return new HttpProblem(502, 'upstream-error', 'P100 could not be reached or failed', undefined, {}, headers);
    }
  }

  return new HttpProblem(500, 'internal', 'Internal error');
}
