import type { Prng } from '../prng.js';
import { ControlError } from '../http/errors.js';

/** One fault rule as `POST /_sandbox/faults` accepts it. Rates are probabilities in [0, 1]. */
export interface FaultRuleInput {
  route?: string;
  errorRate?: number;
  latencyMs?: number;
  rate429?: number;
  retryAfterSeconds?: number;
  rate500?: number;
  rateP501?: number;
  resetBeforeRate?: number;
  resetAfterRate?: number;
  times?: number;
}

export interface FaultRule extends FaultRuleInput {
  id: number;
  /** Parsed `route`: method and path segments (`{x}` and `*` match any one segment). */
  method: string | null;
  segments: string[] | null;
  remaining: number | null;
}

export type FaultAction = 'none' | 'resetBefore' | 'status429' | 'status500' | 'p501' | 'p500';

export interface FaultDecision {
  latencyMs: number;
  action: FaultAction;
  retryAfterSeconds: number;
  resetAfter: boolean;
}

const NO_FAULT: FaultDecision = { latencyMs: 0, action: 'none', retryAfterSeconds: 1, resetAfter: false };

/**
 * Request fault injection. Route rules are checked before global ones; the first rule whose draw
 * fires decides the action, latency adds up. Draws come from the seeded fault stream so a run is
 * reproducible, and `times` makes a rule exact ("the next 2 matching requests").
 */
export class FaultInjector {
  #rules: FaultRule[] = [];
  #seq = 0;

  add(input: FaultRuleInput): FaultRule {
    let method: string | null = null;
    let segments: string[] | null = null;
    if (input.route !== undefined) {
      const m = /^([A-Za-z]+)\s+(\/\S*)$/.exec(input.route.trim());
      if (!m) throw new ControlError(400, 'route must look like "POST /v1/transfer"');
      method = (m[1] ?? '').toUpperCase();
      segments = (m[2] ?? '').split('/').filter(Boolean);
    }
    for (const k of ['errorRate', 'rate429', 'rate500', 'rateP501', 'resetBeforeRate', 'resetAfterRate'] as const) {
      const v = input[k];
      if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) throw new ControlError(400, `${k} must be between 0 and 1`);
    }
    if (input.times !== undefined && (!Number.isInteger(input.times) || input.times < 1)) throw new ControlError(400, 'times must be a positive integer');
    const rule: FaultRule = { ...input, id: ++this.#seq, method, segments, remaining: input.times ?? null };
    this.#rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.#rules;
  }

  clear(): void {
    this.#rules = [];
  }

  get active(): boolean {
    return this.#rules.length > 0;
  }

  decide(method: string, pathSegments: readonly string[], rng: Prng): FaultDecision {
    if (this.#rules.length === 0) return NO_FAULT;
    const matching = this.#rules.filter((r) => matches(r, method, pathSegments));
    if (matching.length === 0) return NO_FAULT;
    matching.sort((a, b) => Number(a.method === null) - Number(b.method === null));
    const d: FaultDecision = { ...NO_FAULT };
    for (const r of matching) {
      if (r.remaining !== null) r.remaining -= 1;
      d.latencyMs += r.latencyMs ?? 0;
      if (d.action === 'none') {
        if (rng.chance(r.resetBeforeRate)) d.action = 'resetBefore';
        else if (rng.chance(r.rate429)) {
          d.action = 'status429';
          d.retryAfterSeconds = r.retryAfterSeconds ?? 1;
        } else if (rng.chance(r.rate500)) d.action = 'status500';
        else if (rng.chance(r.rateP501)) d.action = 'p501';
        else if (rng.chance(r.errorRate)) d.action = 'p500';
      }
      if (!d.resetAfter && rng.chance(r.resetAfterRate)) d.resetAfter = true;
    }
    this.#rules = this.#rules.filter((r) => r.remaining === null || r.remaining > 0);
    return d;
  }
}

function matches(r: FaultRule, method: string, path: readonly string[]): boolean {
  if (r.method === null || r.segments === null) return true;
  if (r.method !== method || r.segments.length !== path.length) return false;
  return r.segments.every((s, i) => s === '*' || (s.startsWith('{') && s.endsWith('}')) || s === path[i]);
}
