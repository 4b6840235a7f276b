/**
 * Helpers of the operations-*.test.ts files: state set-up through the sandbox's control routes, and the
 * three assertions every operation gets (success, validation before any upstream call, mapped refusal).
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { getLedgerOperation, type OperationType } from '../../shared/store/index.js';
import type { ApiResponse, TestSuite } from '../support/suite.js';

/** Per-route P100 request counts of the sandbox (`GET /_sandbox/stats`), keyed `METHOD /v1/template`. */
export async function upstreamCounts(s: TestSuite): Promise<Record<string, number>> {
  const r = await s.control<{ total: number; routes: Record<string, number> }>('GET', '/_sandbox/stats');
  return r.routes;
}

/** A fresh, valid Idempotency-Key header for a money call. */
export const idem = (): Record<string, string> => ({ 'idempotency-key': `it-${randomUUID()}` });

/** A unique externalUserId per test, so tests in one file never share a user. */
export const newUserId = (tag: string): string => `${tag}-${randomUUID().slice(0, 8)}`;

/**
 * Runs `request` and asserts the answer is a 400 problem+json naming `field` in `errors[]`, and that the
 * sandbox received no request at all meanwhile (validation happens before any upstream call).
 */
export async function expectRejectedLocally(s: TestSuite, request: () => Promise<ApiResponse>, field: string): Promise<ApiResponse> {
  const before = await upstreamCounts(s);
  const res = await request();
  const after = await upstreamCounts(s);
  expect(res.status, res.text).toBe(400);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
  expect(fields).toContain(field);
  expect(after).toEqual(before);
  return res;
}

/** Asserts a P100 refusal surfaced with our status and P100's code. */
export function expectRefused(res: ApiResponse, status: number, errorCode: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body.upstream?.errorCode).toBe(errorCode);
}

/** Creates a KYC user through our API (createUser), with names so SEPA name matching has something to check. */
export async function createKycUser(s: TestSuite, externalUserId: string, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await s.call('POST', '/users', {
    body: { externalUserId, citizenship: 'PL', country: 'PL', firstName: 'Jane', lastName: 'Doe', email: `${externalUserId}@example.com`, ...extra },
  });
  expect(res.status, res.text).toBe(201);
}

/** A KYC user made ACTIVE (and extended) through the control route, optionally funded. */
export async function activeKycUser(s: TestSuite, externalUserId: string, funds: Record<string, string> = {}): Promise<void> {
  await createKycUser(s, externalUserId);
  await s.control('POST', `/_sandbox/users/${externalUserId}/activate`, {});
  for (const [currency, amount] of Object.entries(funds)) await s.control('POST', `/_sandbox/users/${externalUserId}/fund`, { currency, amount });
}

export async function fundPartner(s: TestSuite, currency: string, amount: string): Promise<void> {
  await s.control('POST', '/_sandbox/partner/fund', { currency, amount });
}

/** Settles every pending asynchronous operation in the sandbox now (no waiting on timers). */
export async function settle(s: TestSuite): Promise<void> {
  await s.control('POST', '/_sandbox/settle');
}

/** The sandbox's own record of an operation (what P100 did). */
export async function sandboxOperation(
  s: TestSuite,
  id: string,
): Promise<{ type: string; status: string; amount: string; currency: string; externalUserId: string | null }> {
  return s.control('GET', `/_sandbox/operations/${id}`);
}

/**
 * Asserts the ledger (dynalite, through the suite's own store code) holds the money operation under P100's id
 * with the facts the catalog's `ledger` mapping names. The status may already have moved on by webhook.
 */
export async function expectLedger(type: OperationType, id: string, facts: { externalUserId?: string; amount?: string; currency?: string }): Promise<void> {
  const entry = await getLedgerOperation(type, id);
  expect(entry, `${type} ${id} is not in the ledger`).toBeDefined();
  expect(entry?.idempotencyKey).toMatch(/^it-/);
  expect(entry?.externalUserId).toBe(facts.externalUserId);
  expect(entry?.amount).toBe(facts.amount);
  expect(entry?.currency).toBe(facts.currency);
}
