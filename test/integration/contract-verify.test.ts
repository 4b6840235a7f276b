/**
 * Issue 16: the contract check against the faithful sandbox finds nothing, and against the sandbox in drift mode
 * finds each kind of drift, on the right operation, with the override that fixes the moved path; the passive
 * webhook check reads the unknown status from the inbox the real receivers filled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractCanaryHandler } from '../../shared/contract/canary.js';
import { recentInboxWebhooks } from '../../shared/contract/inbox.js';
import {
  checkWebhookPayloads,
  DRIFT_KINDS,
  driftCount,
  exitCodeOf,
  httpTransport,
  renderMarkdown,
  verifyContract,
  type ContractReport,
} from '../../shared/contract/index.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';

let s: TestSuite;

beforeAll(async () => {
  s = await startTestSuite({ seed: 16 });
  // The one test transfer is usdc (shared/contract/plan.ts): the sandbox partner starts with empty balances.
  await s.control('POST', '/_sandbox/partner/fund', { currency: 'usdc', amount: '10' });
});
afterAll(() => s?.close());

const run = (testUserId: string, webhooks?: ContractReport['webhooks']) =>
  verifyContract({
    baseUrl: s.p100,
    transport: httpTransport({ baseUrl: s.p100, apiKey: s.apiKey }),
    mode: 'writes',
    testUserId,
    overrides: '',
    activationTimeoutMs: 10_000,
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))),
    ...(webhooks ? { webhooks } : {}),
  });

const stat = async (key: string) => (await s.control<{ routes: Record<string, number> }>('GET', '/_sandbox/stats')).routes[key] ?? 0;

/** The inbox's webhook checks once `count(webhook)` events of that webhook were stored (the sandbox delivers asynchronously). */
async function inboxChecksAfter(webhook: string, count: number) {
  for (let i = 0; i < 200; i++) {
    const events = await recentInboxWebhooks();
    if (events.filter((e) => e.webhook === webhook).length >= count) return checkWebhookPayloads(events);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`fewer than ${count} ${webhook} events reached the inbox`);
}

describe('against the faithful sandbox', () => {
  let first: ContractReport;

  it('GET /operations/contract/reports/latest answers 404 before the canary first ran', async () => {
    const res = await s.call('GET', '/operations/contract/reports/latest');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('every operation the run reaches is confirmed: 0 drift, exit code 0', async () => {
    first = await run('p100-contract-faithful');
    const reached = first.operations.filter((o) => (o.requests?.length ?? 0) > 0);
    expect(reached.length).toBeGreaterThan(0);
    expect(reached.filter((o) => o.status !== 'confirmed')).toEqual([]);
    expect(first.operations.filter((o) => o.status === 'drift')).toEqual([]);
    expect(driftCount(first)).toBe(0);
    expect(exitCodeOf(first)).toBe(0);
    expect(first.suggestedOverrides).toEqual({});
    // The summary counts what the rows say.
    expect(first.summary.operations.confirmed).toBe(first.operations.filter((o) => o.status === 'confirmed').length);
    expect(first.summary.operations.untested).toBe(first.operations.filter((o) => o.status === 'untested').length);
    for (const o of first.operations.filter((x) => x.status === 'untested')) expect(o.reason).toBeTruthy();
    expect(first.assumptions.filter((a) => a.status === 'drift')).toEqual([]);
    expect(first.assumptions.find((a) => a.id === 'D/P412')?.status).toBe('confirmed');
    // What the run left at P100 is said: the user and the one transfer.
    expect(first.leftBehind?.some((l) => l.includes('p100-contract-faithful'))).toBe(true);
    expect(first.leftBehind?.some((l) => l.startsWith('transfer '))).toBe(true);
    expect(renderMarkdown(first)).toContain(`${first.summary.operations.confirmed} confirmed, 0 drift`);
  });

  it('the webhooks the run caused pass the passive check', async () => {
    const checks = await inboxChecksAfter('userStatus', 1);
    expect(checks.filter((w) => w.events > 0).length).toBeGreaterThan(0);
    expect(checks.filter((w) => w.status === 'drift')).toEqual([]);
  });

  it('a re-run is idempotent: the user is found (P411) and no second transfer is sent', async () => {
    const transfersBefore = await stat('POST /v1/transfer');
    const usersBefore = await stat('POST /v1/user/balances/crypto');
    const again = await run('p100-contract-faithful');
    expect(driftCount(again)).toBe(0);
    expect(await stat('POST /v1/transfer')).toBe(transfersBefore);
    expect(await stat('POST /v1/user/balances/crypto')).toBe(usersBefore + 1);
    expect(again.assumptions.find((a) => a.id === 'D/P411')?.status).toBe('confirmed');
    expect(again.leftBehind?.some((l) => l.includes('of an earlier run'))).toBe(true);
  });
});

describe('against the sandbox in drift mode (one drift of each kind)', () => {
  let report: ContractReport;

  beforeAll(async () => {
    await s.control('POST', '/_sandbox/drift', {
      moves: [{ route: 'GET /v1/user/balances/{externalUserId}', to: '/v1/user/{externalUserId}/balances' }],
      statuses: [{ route: 'GET /v1/partner/sepa-deposit/info', status: 203 }],
      errorCodes: [{ from: 'P428', to: 'P499' }],
      fields: [
        { route: 'GET /v1/partner/balances', op: 'drop', field: 'cryptoBalances[].id' },
        { route: 'GET /v1/exchange/rate', op: 'add', field: 'promotion', value: 'none' },
        { route: 'GET /v1/crypto-withdrawal/get-network-fee', op: 'retype', field: 'networkFee', type: 'boolean' },
        { route: 'GET /v1/transfer/details/{transferId}', op: 'set', field: 'status', value: 'ON_HOLD' },
      ],
      webhookStatuses: [{ path: '/webhook/user/status', status: 'DORMANT' }],
    });
    // A new test user: its activation sends a user/status webhook, which now carries the unknown status.
    const before = (await recentInboxWebhooks()).filter((e) => e.webhook === 'userStatus').length;
    await run('p100-contract-drifted');
    report = await run('p100-contract-drifted', await inboxChecksAfter('userStatus', before + 1));
  });
  afterAll(() => s.control('DELETE', '/_sandbox/drift'));

  const driftsOf = (operationId: string) => report.operations.find((o) => o.operationId === operationId)?.drifts ?? [];

  it.each([
    ['path', 'getUserBalances'],
    ['status', 'getPartnerSepaDepositInfo'],
    ['error-code', 'getSepaTransfer'],
    ['error-code', 'getPartnerSepaTransfer'],
    ['field-missing', 'getPartnerBalances'],
    ['field-unknown', 'getExchangeRate'],
    ['field-type', 'getNetworkFee'],
    ['enum-value', 'getTransfer'],
  ] as const)('reports %s on %s', (kind, operationId) => {
    expect(driftsOf(operationId).map((d) => d.kind)).toContain(kind);
    expect(report.operations.find((o) => o.operationId === operationId)?.status).toBe('drift');
  });

  it('names the field and the evidence of a field drift', () => {
    expect(driftsOf('getPartnerBalances')).toContainEqual(expect.objectContaining({ kind: 'field-missing', field: 'cryptoBalances[].id' }));
    expect(driftsOf('getNetworkFee')).toContainEqual(expect.objectContaining({ kind: 'field-type', field: 'networkFee' }));
    expect(driftsOf('getPartnerBalances')[0]?.evidence).toMatch(/^GET \/v1\/partner\/balances -> 200$/);
  });

  it('proposes the override that fixes the moved path, and the moved operation is still checked there', () => {
    expect(report.suggestedOverrides).toEqual({ getUserBalances: { method: 'GET', path: '/v1/user/{externalUserId}/balances' } });
    expect(driftsOf('getUserBalances').map((d) => d.kind)).toEqual(['path']);
    expect(renderMarkdown(report)).toContain('"path": "/v1/user/{externalUserId}/balances"');
  });

  it('operations P100 did not change stay confirmed', () => {
    for (const id of ['getPartnerTransactions', 'getExchange', 'getCryptoWithdrawal', 'getKycStatus', 'createUserWithoutKyc']) {
      expect(report.operations.find((o) => o.operationId === id)?.status).toBe('confirmed');
    }
  });

  it('the passive webhook check reports the unknown status seen in the inbox', () => {
    const userStatus = report.webhooks?.find((w) => w.webhook === 'userStatus');
    expect(userStatus?.status).toBe('drift');
    expect(userStatus?.drifts).toContainEqual(expect.objectContaining({ kind: 'enum-value', field: 'status' }));
    expect(userStatus?.drifts[0]?.detail).toContain('DORMANT');
    expect(report.summary.webhookDrifts).toBeGreaterThan(0);
  });

  it('every drift kind is detected, and the run exits 1', () => {
    for (const kind of DRIFT_KINDS) expect(report.summary.drifts[kind], kind).toBeGreaterThan(0);
    expect(exitCodeOf(report)).toBe(1);
    expect(report.assumptions.find((a) => a.id === 'U10')?.status).toBe('drift');
  });

  it('the canary (read-only) sees the drifts too, stores its report and serves it at /operations/contract/reports/latest', async () => {
    const transfersBefore = await stat('POST /v1/transfer');
    const out = await contractCanaryHandler();
    expect(out.drifts).toBeGreaterThan(0);
    expect(await stat('POST /v1/transfer')).toBe(transfersBefore);
    const res = await s.call('GET', '/operations/contract/reports/latest');
    expect(res.status).toBe(200);
    expect(res.body.mode).toBe('read-only');
    expect(res.body.startedAt).toBe(out.startedAt);
    expect(res.body.suggestedOverrides).toEqual({ getUserBalances: { method: 'GET', path: '/v1/user/{externalUserId}/balances' } });
    expect(res.body.webhooks.find((w: { webhook: string }) => w.webhook === 'userStatus').status).toBe('drift');
  });

  it('a reset turns drift mode off', async () => {
    await s.control('DELETE', '/_sandbox/drift');
    const clean = await run('p100-contract-drifted');
    expect(driftCount(clean)).toBe(0);
  });
});
