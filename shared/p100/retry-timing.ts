/**
 * How long to wait before the next attempt: full jitter (a random delay between 0 and an exponentially
 * growing cap, AWS Architecture Blog "Exponential Backoff And Jitter"), unless P100 said when to come back.
 * `Retry-After` wins over our own backoff: the server knows its own load better than our guess.
 */
export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
}

export function fullJitterDelay(attempt: number, opts: BackoffOptions): number {
  const cap = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor((opts.random ?? Math.random)() * cap);
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds; undefined when absent or invalid. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const s = header.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
