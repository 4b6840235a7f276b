/**
 * The typed client against the local suite (sandbox + gateway on loopback ports), one area after another:
 * users, documents, exchange, transfers, crypto, SEPA, cards, operator routes; then the retry rules: a 409
 * in-progress retried under the same key, a replay, an outcome-unknown answer never retried, typed problems.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSuite, type TestSuite } from '../../test/support/suite.js';
import { createClient, type P100Client } from '../src/client.js';
import { OutcomeUnknownError, ProblemError } from '../src/errors.js';
import { isEventOf, parseEvent } from '../src/events.js';

let s: TestSuite;
let c: P100Client;
const uid = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  s = await startTestSuite();
  c = createClient({ baseUrl: s.api, auth: 'none', baseBackoffMs: 20 });
});
afterAll(async () => s?.close());

const stats = async () => (await s.control<{ routes: Record<string, number> }>('GET', '/_sandbox/stats')).routes;

async function activeUser(funds: Record<string, string> = {}): Promise<string> {
  const id = uid('cli');
  const created = await c.createUser({
    body: { externalUserId: id, citizenship: 'PL', country: 'PL', firstName: 'Jane', lastName: 'Doe', email: `${id}@example.com` },
  });
  expect(created.userId).toEqual(expect.any(String));
  await s.control('POST', `/_sandbox/users/${id}/activate`, {});
  for (const [currency, amount] of Object.entries(funds)) await s.control('POST', `/_sandbox/users/${id}/fund`, { currency, amount });
  return id;
}

describe('every area through the client', () => {
  it('users: create, read balances, suspend and unsuspend, history paged by an async iterator', async () => {
    const id = await activeUser({ eur: '50' });
    const balances = await c.getUserBalances({ path: { externalUserId: id } });
    // A KYC user: fiat and crypto lists, told apart from a non-KYC user's one list by the type.
    if ('balances' in balances) throw new Error(`a KYC user answered the non-KYC shape: ${JSON.stringify(balances)}`);
    expect(balances.fiatBalances.find((b) => b.name === 'eur')?.amount).toBe('50.00');
    await c.suspendUser({ path: { externalUserId: id } });
    await c.unsuspendUser({ path: { externalUserId: id } });
    await s.control('POST', '/_sandbox/seed/history', { externalUserId: id, count: 7 });
    const ids: string[] = [];
    for await (const t of c.paginate.getUserTransactions({ path: { externalUserId: id }, query: { pageSize: 3 } })) ids.push(t.id);
    expect(ids).toHaveLength(7);
    expect(new Set(ids).size).toBe(7);
  });

  it('documents: an upload URL, the PUT, and the KYC file sent to P100', async () => {
    const id = await activeUser();
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(512, 0x11), Buffer.from([0xff, 0xd9])]);
    const up = await c.createUploadUrl({
      path: { externalUserId: id },
      body: { purpose: 'KYC', fileName: 'front.jpg', contentType: 'image/jpeg', size: jpeg.byteLength },
    });
    expect(up.method).toBe('PUT');
    const put = await fetch(up.url, { method: 'PUT', headers: up.headers, body: jpeg });
    expect(put.status).toBe(200);
    const before = (await stats())['POST /v1/user/kyc-files/{externalUserId}'] ?? 0;
    await c.addKycFile({ path: { externalUserId: id }, body: { uploadId: up.uploadId, fileType: 'DOCUMENT_FRONT' } });
    expect((await stats())['POST /v1/user/kyc-files/{externalUserId}']).toBe(before + 1);
  });

  it('exchange: rate, lock, exchange, details COMPLETED after settlement', async () => {
    const id = await activeUser({ eur: '100' });
    const rate = await c.getExchangeRate({ query: { currencyFrom: 'eur', currencyTo: 'btc', amount: '100' } });
    expect(rate.rate).toMatch(/^\d+(\.\d+)?$/);
    const lock = await c.createExchangeLock({ path: { externalUserId: id }, body: { currencyFrom: 'eur', currencyTo: 'btc', amount: '100' } });
    const ex = await c.createExchange({ path: { externalUserId: id }, body: { amount: '100', currencyFrom: 'eur', currencyTo: 'btc', lockId: lock.lockId } });
    await s.control('POST', '/_sandbox/settle');
    const details = await c.getExchange({ path: { exchangeId: ex.exchangeId } });
    expect(details).toMatchObject({ id: ex.exchangeId, status: 'COMPLETED', externalUserId: id });
  });

  it('transfers: a FUNDING transfer from the partner, read back SUCCESSFUL', async () => {
    const id = await activeUser();
    await s.control('POST', '/_sandbox/partner/fund', { currency: 'usdc', amount: '100' });
    const t = await c.createTransfer({ path: { externalUserId: id }, body: { direction: 'FUNDING', amount: '25.5', currency: 'usdc' } });
    await s.control('POST', '/_sandbox/settle');
    expect(await c.getTransfer({ path: { transferId: t.transferId } })).toMatchObject({
      id: t.transferId,
      status: 'SUCCESSFUL',
      destinationExternalUserId: id,
    });
  });

  it('crypto: network fee, a withdrawal, read back', async () => {
    const id = await activeUser({ eth: '1' });
    const fee = await c.getNetworkFee({ query: { currency: 'eth' } });
    expect(fee).toBeTruthy();
    const w = await c.createCryptoWithdrawal({
      path: { externalUserId: id },
      body: {
        currency: 'eth',
        amount: '0.01',
        walletAddress: '0x00000000000000000000000000000000000000bb',
        name: 'Jane Doe',
        walletType: 'NON_CUSTODIAL',
        receiverType: 'NATURAL',
      },
    });
    await s.control('POST', '/_sandbox/settle');
    const back = await c.getCryptoWithdrawal({ path: { withdrawalId: w.withdrawalId } });
    expect(back.status).toBe('SUCCESSFUL');
  });

  it('SEPA: deposit info, a payout to the whitelisted IBAN, read back', async () => {
    const id = await activeUser();
    const own = 'PL61109010140000071219812874';
    await s.control('POST', '/_sandbox/deposits/sepa', { externalUserId: id, amount: '100.00', senderName: 'Jane Doe', senderIban: own });
    await s.control('POST', '/_sandbox/settle');
    const info = await c.getUserSepaDepositInfo({ path: { externalUserId: id } });
    expect(info).toBeTruthy();
    const t = await c.createSepaTransfer({
      path: { externalUserId: id },
      body: { amount: '10.00', currency: 'eur', destinationIban: own, transferTitle: 'Withdrawal' },
    });
    await s.control('POST', '/_sandbox/settle');
    const back = await c.getSepaTransfer({ path: { transferId: t.transferId } });
    expect(back.status).toBe('SUCCESSFUL');
  });

  it('cards: issue, list, block, unblock', async () => {
    const id = await activeUser();
    const card = await c.createCard({ path: { externalUserId: id }, body: { label: 'Main', pin: '1234' } });
    expect(card.cardNumber).toMatch(/^\d{16}$/);
    const list = await c.listUserCards({ path: { externalUserId: id } });
    expect(JSON.stringify(list)).toContain(card.cardId);
    await c.blockCard({ path: { externalUserId: id, cardId: card.cardId } });
    await c.unblockCard({ path: { externalUserId: id, cardId: card.cardId } });
    expect((await c.getCard({ path: { externalUserId: id, cardId: card.cardId } })).status).toBe('ACTIVE');
  });

  it('operator routes: the inbox paged, a replay, a reconciliation run and its report', async () => {
    const id = await activeUser();
    // activation sent a userStatus webhook; wait until the suite processed it.
    let event: { eventId: string; state: string } | undefined;
    for (let i = 0; i < 200 && event?.state !== 'PROCESSED'; i++) {
      for await (const e of c.paginate.listInboxEvents({ query: { webhook: 'userStatus', limit: 2 } })) {
        if (e.externalUserId === id) event = e;
      }
      if (event?.state !== 'PROCESSED') await new Promise((r) => setTimeout(r, 25));
    }
    expect(event?.state).toBe('PROCESSED');
    const replay = await c.replayInboxEvent({ path: { eventId: event!.eventId } });
    expect(replay.eventId).toBe(event!.eventId);
    const run = await c.startReconciliation();
    let report = await c.getReconciliationReport({ path: { runId: run.runId } }).catch(() => undefined);
    for (let i = 0; i < 400 && report?.status !== 'COMPLETED'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      report = await c.getReconciliationReport({ path: { runId: run.runId } }).catch(() => undefined);
    }
    expect(report?.status).toBe('COMPLETED');
    expect((await c.getReconciliationReport({ path: { runId: 'latest' } })).runId).toBe(run.runId);
  });
});

describe('the retry rules', () => {
  it('409 in progress: a second call under the same key waits, retries with that key and gets the first answer; P100 sees one exchange', async () => {
    const id = await activeUser({ eur: '100' });
    const lock = await c.createExchangeLock({ path: { externalUserId: id }, body: { currencyFrom: 'eur', currencyTo: 'btc', amount: '10' } });
    await s.control('POST', '/_sandbox/faults', { route: 'POST /v1/exchange', latencyMs: 1500, times: 1 });
    const before = (await stats())['POST /v1/exchange'] ?? 0;
    const retries: string[] = [];
    const retrying = createClient({ baseUrl: s.api, baseBackoffMs: 20, onRetry: (r) => retries.push(r.reason) });
    const key = `cli-${randomUUID()}`;
    const input = { path: { externalUserId: id }, body: { amount: '10', currencyFrom: 'eur', currencyTo: 'btc', lockId: lock.lockId }, idempotencyKey: key };
    const first = retrying.createExchange(input);
    // The first call is in progress once P100 holds it (counted on arrival, answered 1.5 s later): a condition,
    // not a 100 ms sleep a loaded machine could outlast before the first call was even sent.
    for (let i = 0; i < 6000 && ((await stats())['POST /v1/exchange'] ?? 0) === before; i++) await new Promise((r) => setTimeout(r, 10));
    const [a, b] = await Promise.all([first, retrying.createExchange(input)]);
    expect(b.exchangeId).toBe(a.exchangeId);
    expect(retries).toContain('409 idempotency-in-progress');
    expect((await stats())['POST /v1/exchange']).toBe(before + 1);
    await s.control('DELETE', '/_sandbox/faults');
  });

  it('a replay: the same key again gives the same transfer, P100 is not called again', async () => {
    const id = await activeUser();
    await s.control('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '100' });
    const key = `cli-${randomUUID()}`;
    const input = { path: { externalUserId: id }, body: { direction: 'FUNDING' as const, amount: '5', currency: 'eur' }, idempotencyKey: key };
    const a = await c.createTransfer(input);
    const before = (await stats())['POST /v1/transfer'] ?? 0;
    const b = await c.createTransfer(input);
    expect(b).toEqual(a);
    expect((await stats())['POST /v1/transfer'] ?? 0).toBe(before);
  });

  it('outcome unknown under an injected reset: OutcomeUnknownError with ledgerRef, never retried', async () => {
    const id = await activeUser();
    await s.control('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '100' });
    await s.control('POST', '/_sandbox/faults', { route: 'POST /v1/transfer', resetAfterRate: 1, times: 1 });
    const before = (await stats())['POST /v1/transfer'] ?? 0;
    const key = `cli-${randomUUID()}`;
    const err = await c
      .createTransfer({ path: { externalUserId: id }, body: { direction: 'FUNDING', amount: '7', currency: 'eur' }, idempotencyKey: key })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    const unknown = err as OutcomeUnknownError;
    expect(unknown.ledgerRef).toEqual({ type: 'TRANSFER', id: `unknown:createTransfer:${key}` });
    expect(unknown.idempotencyKey).toBe(key);
    // Exactly one call reached P100: the client did not resend it, under this key or another.
    expect((await stats())['POST /v1/transfer']).toBe(before + 1);
  });

  it('typed problems: a validation error names the field, a P100 refusal carries its code; neither is retried', async () => {
    const bad = await c.getExchange({ path: { exchangeId: 'not an id' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(bad).toBeInstanceOf(ProblemError);
    expect((bad as ProblemError).status).toBe(400);
    expect((bad as ProblemError).fieldErrors.map((f) => f.field)).toContain('exchangeId');
    const before = (await stats())['GET /v1/exchange/details/{exchangeId}'] ?? 0;
    const missing = await c.getExchange({ path: { exchangeId: '00000000-0000-0000-0000-000000000000' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(ProblemError);
    expect((missing as ProblemError).status).toBe(404);
    expect((missing as ProblemError).upstreamCode).toBe('P466');
    expect((await stats())['GET /v1/exchange/details/{exchangeId}']).toBe(before + 1);
  });

  it('events on the local feed parse into the typed union', async () => {
    const id = await activeUser();
    let parsed: ReturnType<typeof parseEvent> | undefined;
    for (let i = 0; i < 200 && !parsed; i++) {
      const feed = (await (await fetch(`${s.api}/_local/events?after=0`)).json()) as { events: unknown[] };
      parsed = feed.events.map(parseEvent).find((e) => isEventOf(e, 'p100.user.status-changed') && e.detail.entityId === id);
      if (!parsed) await new Promise((r) => setTimeout(r, 25));
    }
    expect(parsed && isEventOf(parsed, 'p100.user.status-changed') ? parsed.detail.status : undefined).toBe('ACTIVE');
  });

  it('every webhook the sandbox can trigger reaches the inbox, and every event published meanwhile parses', async () => {
    const id = await activeUser();
    const templates = await s.control<{ webhooks: Record<string, { example: Record<string, unknown> }> }>('GET', '/_sandbox/webhooks/templates');
    const names = Object.keys(templates.webhooks);
    expect(names).toHaveLength(14);
    const from = s.local.bus.lastSeq;
    for (const webhook of names) {
      const fields = 'externalUserId' in (templates.webhooks[webhook]?.example ?? {}) ? { externalUserId: id } : {};
      await s.control('POST', '/_sandbox/webhooks/trigger', { webhook, fields });
    }
    const seen = new Set<string>();
    for (let i = 0; i < 400 && seen.size < names.length; i++) {
      seen.clear();
      for await (const e of c.paginate.listInboxEvents({ query: { limit: 100 } })) seen.add(e.webhook);
      if (seen.size < names.length) await new Promise((r) => setTimeout(r, 25));
    }
    expect([...seen].sort()).toEqual([...names].sort());
    const published = s.local.bus.list().filter((e) => e.seq > from);
    expect(published.length).toBeGreaterThan(0);
    for (const e of published) expect(() => parseEvent(e)).not.toThrow();
  });
});
