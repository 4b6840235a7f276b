import type { Prng } from '../prng.js';
import type { SandboxConfig } from '../config.js';

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED' | 'SKIPPED' | 'DROPPED';

export interface DeliveryAttempt {
  attempt: number;
  /** Real (not sandbox) epoch ms: retry gaps are measured in real, scaled time. */
  startedAt: number;
  finishedAt: number | null;
  httpStatus: number | null;
  error: string | null;
  /** Real ms the dispatcher waits after this failed attempt before the next one (8/16/32/64 s × timeScale). */
  retryDelayMs: number | null;
}

export interface Delivery {
  id: number;
  path: string;
  body: Record<string, unknown>;
  status: DeliveryStatus;
  /** Set on the extra copy a duplicate fault creates. */
  duplicateOf: number | null;
  reordered: boolean;
  createdAt: number;
  attempts: DeliveryAttempt[];
}

export interface WebhookFaults {
  dropRate: number;
  duplicateRate: number;
  reorderRate: number;
  /** How long a reordered event is held back (real ms), so later events overtake it. */
  reorderDelayMs: number;
}

/** Retry delays after the 1st..4th failure (webhooks.md: ≈ 8/16/32/64 s); 5 attempts in all. */
export const RETRY_DELAYS_S = [8, 16, 32, 64] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_S.length + 1;

/**
 * Delivers webhooks the way P100 does: POST JSON to `webhookBaseUrl + path` with the raw token in
 * `Authorization`, success on any 2xx, retries on non-2xx or timeout. Every attempt is recorded so
 * tests can assert counts and gaps. Faults (drop, duplicate, reorder) are drawn from a seeded stream.
 */
export class WebhookDispatcher {
  #deliveries: Delivery[] = [];
  #seq = 0;
  #timers = new Set<NodeJS.Timeout>();
  #abort = new AbortController();
  #inFlight = new Set<Promise<void>>();
  faults: WebhookFaults = { dropRate: 0, duplicateRate: 0, reorderRate: 0, reorderDelayMs: 200 };
  readonly #cfg: () => SandboxConfig;
  readonly #rng: () => Prng;

  constructor(cfg: () => SandboxConfig, rng: () => Prng) {
    this.#cfg = cfg;
    this.#rng = rng;
  }

  /** Queues one event. The sandbox never waits for delivery: P100 does not either. */
  emit(path: string, body: Record<string, unknown>): void {
    const rng = this.#rng();
    const d = this.#create(path, body, null);
    if (!this.#cfg().webhookBaseUrl) {
      d.status = 'SKIPPED';
      return;
    }
    if (rng.chance(this.faults.dropRate)) {
      d.status = 'DROPPED';
      return;
    }
    const reorder = rng.chance(this.faults.reorderRate);
    d.reordered = reorder;
    this.#later(() => this.#attempt(d), reorder ? this.faults.reorderDelayMs : 0);
    if (rng.chance(this.faults.duplicateRate)) {
      const copy = this.#create(path, body, d.id);
      this.#later(() => this.#attempt(copy), 0);
    }
  }

  #create(path: string, body: Record<string, unknown>, duplicateOf: number | null): Delivery {
    const d: Delivery = { id: ++this.#seq, path, body, status: 'PENDING', duplicateOf, reordered: false, createdAt: Date.now(), attempts: [] };
    this.#deliveries.push(d);
    return d;
  }

  #later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  #attempt(d: Delivery): void {
    const cfg = this.#cfg();
    const base = cfg.webhookBaseUrl;
    if (!base) {
      d.status = 'SKIPPED';
      return;
    }
    const a: DeliveryAttempt = { attempt: d.attempts.length + 1, startedAt: Date.now(), finishedAt: null, httpStatus: null, error: null, retryDelayMs: null };
    d.attempts.push(a);
    const url = base.replace(/\/+$/, '') + d.path;
    // Captured: after a reset the dispatcher has a fresh controller, but this attempt belongs to the old one.
    const abort = this.#abort;
    const signal = AbortSignal.any([abort.signal, AbortSignal.timeout(cfg.webhookTimeoutMs)]);
    const p = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: cfg.webhookToken },
      body: JSON.stringify(d.body),
      signal,
    })
      .then(async (res) => {
        a.httpStatus = res.status;
        await res.arrayBuffer().catch(() => undefined);
        if (res.status < 200 || res.status >= 300) a.error = `HTTP ${res.status}`;
      })
      .catch((err: unknown) => {
        a.error = err instanceof Error ? (err.name === 'TimeoutError' ? 'timeout' : err.message) : 'error';
      })
      .then(() => {
        a.finishedAt = Date.now();
        if (abort.signal.aborted) return;
        if (a.error === null) {
          d.status = 'DELIVERED';
        } else if (d.attempts.length >= MAX_ATTEMPTS) {
          d.status = 'FAILED';
        } else {
          const delayS = RETRY_DELAYS_S[d.attempts.length - 1] ?? 64;
          a.retryDelayMs = delayS * 1000 * this.#cfg().timeScale;
          this.#later(() => this.#attempt(d), a.retryDelayMs);
        }
      });
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p));
  }

  list(filter: { path?: string | null; status?: string | null } = {}): Delivery[] {
    return this.#deliveries.filter((d) => (!filter.path || d.path === filter.path) && (!filter.status || d.status === filter.status.toUpperCase()));
  }

  /** Forgets every delivery and cancels pending retries and in-flight attempts. */
  reset(): void {
    this.#abort.abort();
    this.#abort = new AbortController();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#deliveries = [];
    this.#seq = 0;
    this.faults = { dropRate: 0, duplicateRate: 0, reorderRate: 0, reorderDelayMs: 200 };
  }

  async close(): Promise<void> {
    this.reset();
    await Promise.allSettled([...this.#inFlight]);
  }
}
