/**
 * The pure matching step of reconciliation (issue 15, B7): the UNKNOWN-write candidate rule and the 1:1
 * classification of a pre-fetched page, both without I/O.
 */
import { describe, expect, it } from 'vitest';
import { matchingFixture } from '../../bench/b7-matching.js';
import type { HistoryEntry } from '../../shared/p100/reads.js';
import { reconcileConfig } from '../../shared/reconcile/config.js';
import { classifyEntry } from '../../shared/reconcile/history.js';
import { isUnknownCandidate } from '../../shared/reconcile/pending.js';

const entry = (o: Partial<HistoryEntry>): HistoryEntry =>
  ({ id: 'h-1', type: 'TRANSFER', status: 'COMPLETED', amount: '10.50', currency: 'eur', createdAt: '2026-11-01T00:00:00.000Z', ...o }) as HistoryEntry;

describe('isUnknownCandidate', () => {
  it('takes an entry of the same type, currency and decimal amount, however spelled', () => {
    expect(isUnknownCandidate({ type: 'TRANSFER', amount: '10.5', currency: 'EUR' }, entry({}))).toBe(true);
    // A P2P transfer of the webhook's naming is the same movement as a TRANSFER.
    expect(isUnknownCandidate({ type: 'P2P_TRANSFER', amount: '10.500', currency: 'eur' }, entry({}))).toBe(true);
  });

  it('refuses another amount, currency or type, and an UNKNOWN write without amount', () => {
    expect(isUnknownCandidate({ type: 'TRANSFER', amount: '10.51', currency: 'EUR' }, entry({}))).toBe(false);
    expect(isUnknownCandidate({ type: 'TRANSFER', amount: '10.50', currency: 'USD' }, entry({}))).toBe(false);
    expect(isUnknownCandidate({ type: 'EXCHANGE', amount: '10.50', currency: 'EUR' }, entry({}))).toBe(false);
    expect(isUnknownCandidate({ type: 'TRANSFER', currency: 'EUR' }, entry({}))).toBe(false);
    expect(isUnknownCandidate({ type: 'TRANSFER', amount: '10.50', currency: 'EUR' }, entry({ type: 'NO_SUCH_TYPE' }))).toBe(false);
  });
});

describe('classifyEntry on pre-fetched ledger operations', () => {
  it('matches the bench fixture 1:1 and writes nothing (no discrepancy collected)', async () => {
    const { pages, ledger } = matchingFixture(250);
    const ctx = { runId: 'r', window: { to: '2027-01-01T00:00:00.000Z' }, config: reconcileConfig({}, {}) };
    const found: unknown[] = [];
    const outcomes: string[] = [];
    for (const [p, page] of pages.entries()) for (const e of page) outcomes.push(await classifyEntry(ctx, 'partner', e, ledger[p]!, found as never));
    expect(outcomes).toHaveLength(250);
    expect(outcomes.every((o) => o === 'matched')).toBe(true);
    expect(found).toEqual([]);
  });
});
