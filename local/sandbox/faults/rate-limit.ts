import type { RateLimitConfig } from '../config.js';

/**
 * Token bucket on real time (throughput is a real-time property; the sandbox clock is for business
 * time). `take` answers how many seconds the caller should wait, which becomes `Retry-After`.
 */
export class RateLimiter {
  #tokens = 0;
  #last = 0;
  #cfg: RateLimitConfig | null = null;

  configure(cfg: RateLimitConfig | null): void {
    this.#cfg = cfg;
    this.#tokens = cfg?.burst ?? 0;
    this.#last = Date.now();
  }

  /** `0` when allowed, otherwise the whole seconds to wait (at least 1). */
  take(): number {
    const cfg = this.#cfg;
    if (!cfg) return 0;
    const now = Date.now();
    this.#tokens = Math.min(cfg.burst, this.#tokens + ((now - this.#last) / 1000) * cfg.requestsPerSecond);
    this.#last = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.#tokens) / cfg.requestsPerSecond));
  }
}
