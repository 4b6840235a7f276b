import type { Prng } from '../prng.js';
import { HistoryIndex } from './history.js';
import type { Card, Operation, Partner, RateLock, User } from './model.js';

/**
 * Everything the sandbox knows, in memory. Lookups are maps; `opOrder` keeps operations in
 * acceptance order for `GET /_sandbox/operations`. A reset builds a fresh State.
 */
export class State {
  readonly users = new Map<string, User>();
  readonly ops = new Map<string, Operation>();
  readonly opOrder: Operation[] = [];
  readonly locks = new Map<string, RateLock>();
  readonly cards = new Map<string, Card>();
  /** Replay memory of idempotent control routes without an entity of their own (3DS, activation codes). */
  readonly controlReplays = new Map<string, Record<string, unknown>>();
  readonly partner: Partner;

  constructor(ids: Prng, partnerIbans: readonly string[]) {
    this.partner = {
      externalUserId: null,
      balances: new Map(),
      history: new HistoryIndex(),
      whitelistedIbans: new Set(partnerIbans),
      depositReference: ids.uuid(),
    };
  }

  addOperation(op: Operation): void {
    this.ops.set(op.id, op);
    this.opOrder.push(op);
  }
}
