import { DEFAULT_CONFIG, type SandboxConfig } from './config.js';
import { SandboxClock, iso } from './clock.js';
import { Prng, streamSeed } from './prng.js';
import { State } from './state/store.js';
import { Scheduler } from './state/scheduler.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';
import { FaultInjector } from './faults/faults.js';
import { RateLimiter } from './faults/rate-limit.js';
import { DriftRules } from './drift.js';
import { createPartnerBalances } from './domain/accounts.js';

/**
 * The sandbox core: configuration, clock, seeded random streams, state, settlement scheduler,
 * webhook dispatcher, faults and counters. Routes receive it through their context; nothing in
 * here knows about HTTP.
 */
export class Sandbox {
  readonly config: SandboxConfig;
  readonly clock = new SandboxClock();
  readonly scheduler: Scheduler;
  readonly webhooks: WebhookDispatcher;
  readonly faults = new FaultInjector();
  readonly limiter = new RateLimiter();
  /** Drift mode (`/_sandbox/drift`): answers and webhooks changed on purpose; empty unless asked. */
  readonly drift = new DriftRules();
  /** Request counts per route template (`GET /v1/user/balances/{externalUserId}`). */
  readonly stats = new Map<string, number>();
  seed: number;
  ids: Prng;
  faultRng: Prng;
  webhookRng: Prng;
  state: State;

  constructor(config: Partial<SandboxConfig> = {}, seed = 1) {
    this.config = { ...DEFAULT_CONFIG, ...config };
    this.seed = seed;
    this.ids = new Prng(streamSeed(seed, 0));
    this.faultRng = new Prng(streamSeed(seed, 1));
    this.webhookRng = new Prng(streamSeed(seed, 2));
    this.scheduler = new Scheduler(
      this.clock,
      () => this.config.settleDelayMs,
      (label, err) => this.log(`settlement ${label} failed: ${String(err)}`),
    );
    this.webhooks = new WebhookDispatcher(
      () => this.config,
      () => this.webhookRng,
    );
    this.state = this.#freshState();
    this.limiter.configure(this.config.rateLimit);
  }

  #freshState(): State {
    const st = new State(this.ids, this.config.partnerIbans);
    createPartnerBalances(this, st.partner);
    return st;
  }

  /** Back to an empty world. Configuration survives (it is wiring); faults, stats, clock do not. */
  reset(seed = this.seed): void {
    this.seed = seed;
    this.ids = new Prng(streamSeed(seed, 0));
    this.faultRng = new Prng(streamSeed(seed, 1));
    this.webhookRng = new Prng(streamSeed(seed, 2));
    this.scheduler.clear();
    this.webhooks.reset();
    this.faults.clear();
    this.drift.clear();
    this.stats.clear();
    this.clock.reset();
    this.state = this.#freshState();
    this.limiter.configure(this.config.rateLimit);
  }

  now(): number {
    return this.clock.now();
  }

  nowIso(): string {
    return iso(this.clock.now());
  }

  emit(path: string, body: Record<string, unknown>): void {
    this.webhooks.emit(path, this.drift.webhook(path, body));
  }

  log(msg: string): void {
    if (!this.config.quiet) process.stderr.write(`[p100-sandbox] ${msg}\n`);
  }

  async close(): Promise<void> {
    this.scheduler.clear();
    await this.webhooks.close();
  }
}
