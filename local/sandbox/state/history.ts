import { iso } from '../clock.js';

/** A transaction-history entry (ASSUMPTIONS A8). Mutable: status and amount follow the operation. */
export interface HistoryEntry {
  id: string;
  type: OperationType;
  status: string;
  amount: string;
  currency: string;
  externalUserId: string | null;
  referenceId: string;
  direction: 'IN' | 'OUT';
  createdAt: number;
  updatedAt: number;
}

export type OperationType = 'EXCHANGE' | 'CRYPTO_WITHDRAWAL' | 'CRYPTO_DEPOSIT' | 'TRANSFER' | 'SEPA_TRANSFER' | 'SEPA_DEPOSIT' | 'CARD_TRANSACTION';

export const OPERATION_TYPES: readonly OperationType[] = [
  'EXCHANGE',
  'CRYPTO_WITHDRAWAL',
  'CRYPTO_DEPOSIT',
  'TRANSFER',
  'SEPA_TRANSFER',
  'SEPA_DEPOSIT',
  'CARD_TRANSACTION',
];

export function serializeEntry(e: HistoryEntry): Record<string, unknown> {
  return {
    id: e.id,
    type: e.type,
    status: e.status,
    amount: e.amount,
    currency: e.currency,
    externalUserId: e.externalUserId,
    referenceId: e.referenceId,
    direction: e.direction,
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
  };
}

function before(a: HistoryEntry, b: HistoryEntry): boolean {
  return a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);
}

/**
 * One account's history, kept sorted by (createdAt, id) as A7 orders it. New entries almost always
 * land at the end (the clock only moves forward), so insertion is a binary search plus a cheap
 * splice; a page is two binary searches and a slice, never a scan or a sort.
 */
export class HistoryIndex {
  #items: HistoryEntry[] = [];

  get size(): number {
    return this.#items.length;
  }

  insert(e: HistoryEntry): void {
    const items = this.#items;
    const last = items[items.length - 1];
    if (!last || before(last, e)) {
      items.push(e);
      return;
    }
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(items[mid] as HistoryEntry, e)) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, e);
  }

  /** Inserts many entries in O(n log n) (sort the batch, then one merge), for bulk seeding. */
  insertMany(batch: HistoryEntry[]): void {
    batch.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    const old = this.#items;
    if (old.length === 0) {
      this.#items = batch;
      return;
    }
    const merged: HistoryEntry[] = new Array<HistoryEntry>(old.length + batch.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length && j < batch.length) {
      const a = old[i] as HistoryEntry;
      const b = batch[j] as HistoryEntry;
      if (before(b, a)) {
        merged[k++] = b;
        j++;
      } else {
        merged[k++] = a;
        i++;
      }
    }
    while (i < old.length) merged[k++] = old[i++] as HistoryEntry;
    while (j < batch.length) merged[k++] = batch[j++] as HistoryEntry;
    this.#items = merged;
  }

  /** First index whose createdAt is >= t. */
  #lowerBound(t: number): number {
    const items = this.#items;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((items[mid] as HistoryEntry).createdAt < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A7: inclusive `from`, exclusive `to`, 1-based `page`. */
  page(fromMs: number | undefined, toMs: number | undefined, page: number, pageSize: number): { items: HistoryEntry[]; total: number } {
    const lo = fromMs === undefined ? 0 : this.#lowerBound(fromMs);
    const hi = toMs === undefined ? this.#items.length : Math.max(lo, this.#lowerBound(toMs));
    const start = lo + (page - 1) * pageSize;
    return { items: start >= hi ? [] : this.#items.slice(start, Math.min(hi, start + pageSize)), total: hi - lo };
  }

  clear(): void {
    this.#items = [];
  }
}
