/**
 * Delivery guarantees of the webhook path: dedup of redeliveries, ordering, authentication with token
 * rotation, both envelopes, bad bodies, processor failures (retry, DLQ, replay), and secrets.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_SECRET_IDS } from '../../local/suite.js';
import { documentClient } from '../../shared/store/client.js';
import { getInboxEvent, listInboxEvents, storeInboxEvent } from '../../shared/store/inbox.js';
import { applyStatus, getLedgerOperation } from '../../shared/store/ledger.js';
import { InboxBusyError, processInboxEvent } from '../../shared/webhooks/processor.js';
import { BudgetExceededError } from '../../shared/budget.js';
import { eventPublisher } from '../../shared/events/index.js';
import { getLedgerUser } from '../../shared/store/ledger-users.js';
import { secretCache } from '../../shared/secrets/index.js';
import { setWebhookTokenVerifier, webhookTokenVerifier } from '../../shared/webhooks/receiver.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import { activeUser, busEvent, busEvents, deliver, waitFor, type Obj } from './webhooks-support.js';

let s: TestSuite;
beforeAll(async () => {
  s = await startTestSuite();
  await activeUser(s, 'du1', { eur: '1000' });
});
afterAll(async () => {
  await s?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const TX = '/webhook/card/transaction';
const tx = (id: string, status: string, extra: Obj = {}) => ({
  transactionId: id,
  externalUserId: 'du1',
  cardId: 'card-1',
  amount: '9.99',
  currency: 'eur',
  merchantName: 'Shop',
  status,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

async function inboxCount(): Promise<number> {
  const out = await (await documentClient()).send(new ScanCommand({ TableName: process.env.INBOX_TABLE, Select: 'COUNT' }));
  return out.Count ?? 0;
}

async function settled(): Promise<void> {
  await s.local.queues.get('webhook')?.idle();
}

/** Captures everything written to stdout and stderr while `fn` runs (the logger and EMF metrics write there). */
async function captureOutput(fn: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const grab = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(grab);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(grab);
  try {
    await fn();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return chunks.join('');
}

describe('redelivery and ordering', () => {
  it('the same event delivered 5 times is stored once, applied once and published once', async () => {
    const body = tx('dtx-5', 'AUTHORIZED');
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await deliver(s, TX, body));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.slice(1).every((a) => a.json.duplicate === true)).toBe(true);
    const eventId = String(answers[0]?.json.eventId);
    expect(new Set(answers.map((a) => a.json.eventId))).toEqual(new Set([eventId]));
    await busEvent(s, 'cardTransaction', 'dtx-5', 'AUTHORIZED');
    await settled();
    expect(busEvents(s, { entityId: 'dtx-5' })).toHaveLength(1);
    expect((await getInboxEvent(eventId))?.deliveries).toBe(5);
    const op = await getLedgerOperation('CARD_TRANSACTION', 'dtx-5');
    expect(op?.history.filter((h) => h.applied)).toHaveLength(1);
  });

  it('sandbox duplicate fault: every delivery doubled, still one bus event per status', async () => {
    await s.control('POST', '/_sandbox/webhooks/faults', { duplicateRate: 1 });
    try {
      await s.control('POST', '/_sandbox/deposits/crypto', { depositId: 'ddup-1', externalUserId: 'du1', currency: 'eth', amount: '0.2' });
      await busEvent(s, 'cryptoDeposit', 'ddup-1', 'SUCCESSFUL');
      await waitFor('all duplicate deliveries done', async () => {
        const d = await s.control<{ deliveries: { body: Obj; status: string }[] }>('GET', '/_sandbox/webhooks/deliveries?path=/webhook/crypto-deposit/status');
        const mine = d.deliveries.filter((x) => x.body.cryptoDepositId === 'ddup-1');
        return mine.length === 4 && mine.every((x) => x.status === 'DELIVERED');
      });
    } finally {
      await s.control('POST', '/_sandbox/webhooks/faults', { duplicateRate: 0 });
    }
    await settled();
    expect(busEvents(s, { entityId: 'ddup-1' }).map((e) => e.detail.status)).toEqual(['WAITING_FOR_VERIFICATION', 'SUCCESSFUL']);
    const op = await getLedgerOperation('CRYPTO_DEPOSIT', 'ddup-1');
    expect(op?.history.filter((h) => h.applied).map((h) => h.status)).toEqual(['WAITING_FOR_VERIFICATION', 'SUCCESSFUL']);
  });

  it('out of order: a late AUTHORIZED after SETTLED is recorded, not applied, not published', async () => {
    expect((await deliver(s, TX, tx('dtx-o', 'SETTLED'))).status).toBe(200);
    await busEvent(s, 'cardTransaction', 'dtx-o', 'SETTLED');
    const late = await deliver(s, TX, tx('dtx-o', 'AUTHORIZED'));
    expect(late.status).toBe(200);
    const item = await waitFor('late event processed', async () => {
      const i = await getInboxEvent(String(late.json.eventId));
      return i?.state === 'PROCESSED' ? i : undefined;
    });
    expect(item.outcome).toMatchObject({ applied: false, reason: 'invalid' });
    const op = await getLedgerOperation('CARD_TRANSACTION', 'dtx-o');
    expect(op?.status).toBe('SETTLED');
    expect(op?.history.map((h) => [h.status, h.applied])).toEqual([
      ['SETTLED', true],
      ['AUTHORIZED', false],
    ]);
    expect(busEvents(s, { entityId: 'dtx-o' }).map((e) => e.detail.status)).toEqual(['SETTLED']);
  });

  it('out of order for a user fact: POA APPROVED is not regressed by a late WAITING', async () => {
    await deliver(s, '/webhook/poa-verification/status', { externalUserId: 'du1', status: 'APPROVED' });
    await busEvent(s, 'poaVerificationStatus', 'du1', 'APPROVED');
    const late = await deliver(s, '/webhook/poa-verification/status', { externalUserId: 'du1', status: 'waiting' });
    await waitFor('late POA processed', async () => (await getInboxEvent(String(late.json.eventId)))?.state === 'PROCESSED');
    expect((await getLedgerUser('du1'))?.facts.poaStatus?.value).toBe('APPROVED');
    expect(busEvents(s, { webhook: 'poaVerificationStatus', entityId: 'du1' }).map((e) => e.detail.status)).toEqual(['APPROVED']);
  });

  it('sandbox reorder fault: the terminal status wins whatever the arrival order', async () => {
    await s.control('POST', '/_sandbox/webhooks/faults', { reorderRate: 1, reorderDelayMs: 100 });
    try {
      await s.control('POST', '/_sandbox/deposits/crypto', { depositId: 'dro-1', externalUserId: 'du1', currency: 'eth', amount: '0.3' });
      await busEvent(s, 'cryptoDeposit', 'dro-1', 'SUCCESSFUL');
      await waitFor('both deliveries done', async () => {
        const d = await s.control<{ deliveries: { body: Obj; status: string }[] }>('GET', '/_sandbox/webhooks/deliveries?path=/webhook/crypto-deposit/status');
        const mine = d.deliveries.filter((x) => x.body.cryptoDepositId === 'dro-1');
        return mine.length === 2 && mine.every((x) => x.status === 'DELIVERED');
      });
    } finally {
      await s.control('POST', '/_sandbox/webhooks/faults', { reorderRate: 0 });
    }
    await settled();
    expect((await getLedgerOperation('CRYPTO_DEPOSIT', 'dro-1'))?.status).toBe('SUCCESSFUL');
    expect(busEvents(s, { entityId: 'dro-1' }).filter((e) => e.detail.status === 'SUCCESSFUL')).toHaveLength(1);
  });
});

describe('authentication', () => {
  it('a wrong or missing token answers 401, stores nothing, enqueues nothing, and counts WebhookUnauthorized', async () => {
    await settled();
    const before = await inboxCount();
    const receivesBefore = s.local.queues.get('webhook')?.stats.receives;
    let wrong = { status: 0, json: {} as Obj };
    let missing = { status: 0, json: {} as Obj };
    const output = await captureOutput(async () => {
      wrong = await deliver(s, TX, tx('dtx-401', 'AUTHORIZED'), 'not-the-token');
      missing = await deliver(s, TX, tx('dtx-401', 'AUTHORIZED'), null);
    });
    expect(wrong.status).toBe(401);
    expect(missing.status).toBe(401);
    expect(wrong.json).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(await inboxCount()).toBe(before);
    expect(s.local.queues.get('webhook')?.stats.receives).toBe(receivesBefore);
    expect(busEvents(s, { entityId: 'dtx-401' })).toHaveLength(0);
    const emf = output.split('\n').filter((l) => l.includes('"WebhookUnauthorized"') && l.includes('"Namespace":"P100Suite"'));
    expect(emf.length).toBeGreaterThanOrEqual(2);
    expect(output).not.toContain('not-the-token');
  });

  it('accepts `Bearer <token>` as well as the raw token', async () => {
    expect((await deliver(s, TX, tx('dtx-bearer', 'AUTHORIZED'), `Bearer ${s.webhookToken}`)).status).toBe(200);
    await busEvent(s, 'cardTransaction', 'dtx-bearer', 'AUTHORIZED');
  });

  it('a flood of bad tokens forces at most one secret refresh per interval', async () => {
    setWebhookTokenVerifier(undefined);
    const calls = () => s.local.secrets.getCalls.get(LOCAL_SECRET_IDS.webhookToken) ?? 0;
    const before = calls();
    for (let i = 0; i < 20; i++) expect((await deliver(s, TX, tx('dtx-flood', 'AUTHORIZED'), `bad-${i}`)).status).toBe(401);
    expect(webhookTokenVerifier().refreshes).toBe(1);
    expect(calls() - before).toBe(1);
  });

  it('rotation: new and previous token both accepted during the overlap; the old one refused after it', async () => {
    const old = s.webhookToken;
    const next = 'rotated-webhook-token-9876543210';
    setWebhookTokenVerifier(undefined);
    s.local.secrets.put(
      LOCAL_SECRET_IDS.webhookToken,
      JSON.stringify({ token: next, previous: old, previousValidUntil: new Date(Date.now() + 3_600_000).toISOString() }),
    );
    // The cached value still holds the old token only: the first delivery with the new one forces a refresh.
    expect((await deliver(s, TX, tx('dtx-rot-1', 'AUTHORIZED'), next)).status).toBe(200);
    expect((await deliver(s, TX, tx('dtx-rot-2', 'AUTHORIZED'), old)).status).toBe(200);
    // Overlap over: the secret says so, and the container's cache has picked it up (TTL expiry).
    s.local.secrets.put(
      LOCAL_SECRET_IDS.webhookToken,
      JSON.stringify({ token: next, previous: old, previousValidUntil: new Date(Date.now() - 1000).toISOString() }),
    );
    await secretCache().refresh(LOCAL_SECRET_IDS.webhookToken);
    const before = await inboxCount();
    expect((await deliver(s, TX, tx('dtx-rot-3', 'AUTHORIZED'), old)).status).toBe(401);
    expect(await inboxCount()).toBe(before);
    expect((await deliver(s, TX, tx('dtx-rot-4', 'AUTHORIZED'), `Bearer ${next}`)).status).toBe(200);
    await busEvent(s, 'cardTransaction', 'dtx-rot-4', 'AUTHORIZED');
    // Back to the harness token for the remaining tests (and the sandbox).
    s.local.secrets.put(LOCAL_SECRET_IDS.webhookToken, old);
    await secretCache().refresh(LOCAL_SECRET_IDS.webhookToken);
    setWebhookTokenVerifier(undefined);
  });
});

describe('bodies', () => {
  it('flat and wrapped envelopes are the same event; unknown fields pass through', async () => {
    const flat = tx('dtx-env', 'AUTHORIZED', { loyaltyPoints: 7 });
    const a = await deliver(s, TX, { event_type: 'card.transaction', data: flat });
    expect(a.status).toBe(200);
    const e = await busEvent(s, 'cardTransaction', 'dtx-env', 'AUTHORIZED');
    expect(e.detail.data).toMatchObject({ loyaltyPoints: 7, merchantName: 'Shop' });
    expect(await getInboxEvent(String(a.json.eventId))).toMatchObject({ envelope: 'wrapped', eventType: 'card.transaction' });
    const b = await deliver(s, TX, flat);
    expect(b.json).toMatchObject({ duplicate: true, eventId: a.json.eventId });
    await settled();
    expect(busEvents(s, { entityId: 'dtx-env' })).toHaveLength(1);
  });

  it('malformed JSON → 400, non-object → 400, oversized → 413; nothing stored', async () => {
    await settled();
    const before = await inboxCount();
    const bad = await deliver(s, TX, undefined, s.webhookToken, '{"transactionId": "x", ');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ status: 400, detail: 'the body is not valid JSON' });
    expect((await deliver(s, TX, undefined, s.webhookToken, '[1,2,3]')).status).toBe(400);
    expect((await deliver(s, TX, undefined, s.webhookToken, '')).status).toBe(400);
    const big = await deliver(s, TX, tx('dtx-big', 'AUTHORIZED', { padding: 'x'.repeat(300 * 1024) }));
    expect(big.status).toBe(413);
    expect(await inboxCount()).toBe(before);
  });

  it('an event without its entity id is stored (not lost) and parked DEAD for the operator, not retried', async () => {
    const r = await deliver(s, TX, { externalUserId: 'du1', status: 'AUTHORIZED', amount: '1' });
    expect(r.status).toBe(200);
    const item = await waitFor('parked', async () => {
      const i = await getInboxEvent(String(r.json.eventId));
      return i?.state === 'DEAD' ? i : undefined;
    });
    expect(item.deadReason).toContain('transactionId');
  });
});

describe('processor failures, DLQ and replay', () => {
  it('a crash on one record of a batch: the others go through once, the failed one is retried and lands once', async () => {
    const stop = s.local.bus.failWhen((e) => e.detail.entityId === 'dtx-crash', 1);
    try {
      await Promise.all(['dtx-crash', 'dtx-ok-1', 'dtx-ok-2'].map((id) => deliver(s, TX, tx(id, 'AUTHORIZED'))));
      await settled();
    } finally {
      stop();
    }
    expect(s.local.bus.refused).toBeGreaterThanOrEqual(1);
    for (const id of ['dtx-crash', 'dtx-ok-1', 'dtx-ok-2']) {
      expect(busEvents(s, { entityId: id })).toHaveLength(1);
      expect((await getLedgerOperation('CARD_TRANSACTION', id))?.history.filter((h) => h.applied)).toHaveLength(1);
    }
  });

  it('poison: after 5 failed receives the message is dead-lettered and the inbox item DEAD; replay-dlq then delivers it once', async () => {
    const q = s.local.queues.get('webhook');
    const dlqBefore = q?.dlq.length ?? 0;
    const stop = s.local.bus.failWhen((e) => e.detail.entityId === 'dtx-poison');
    let eventId = '';
    try {
      eventId = String((await deliver(s, TX, tx('dtx-poison', 'AUTHORIZED'))).json.eventId);
      await settled();
    } finally {
      stop();
    }
    expect(q?.dlq.length).toBe(dlqBefore + 1);
    expect(q?.dlq.at(-1)?.receiveCount).toBe(5);
    const dead = await getInboxEvent(eventId);
    expect(dead).toMatchObject({ state: 'DEAD', outcome: { applied: true } });
    expect(dead?.deadReason).toContain('EventBridge rejected');
    expect(busEvents(s, { entityId: 'dtx-poison' })).toHaveLength(0);
    // The ledger change was applied once, on the first attempt; retries did not apply it again.
    expect((await getLedgerOperation('CARD_TRANSACTION', 'dtx-poison'))?.history.filter((h) => h.applied)).toHaveLength(1);

    const listed = await s.call('GET', '/operations/inbox?status=DEAD&webhook=cardTransaction');
    expect(listed.status).toBe(200);
    expect((listed.body as { items: Obj[] }).items.map((i) => i.eventId)).toContain(eventId);

    const replay = await s.call('POST', '/operations/inbox/replay-dlq', { body: {} });
    expect(replay.status).toBe(202);
    expect((replay.body as { eventIds: string[] }).eventIds).toContain(eventId);
    await busEvent(s, 'cardTransaction', 'dtx-poison', 'AUTHORIZED');
    await settled();
    expect(busEvents(s, { entityId: 'dtx-poison' })).toHaveLength(1);
    expect((await getInboxEvent(eventId))?.state).toBe('PROCESSED');
    expect((await getLedgerOperation('CARD_TRANSACTION', 'dtx-poison'))?.history.filter((h) => h.applied)).toHaveLength(1);
  });

  it('a processor that died after the ledger write resumes: the change counts as applied and is published once', async () => {
    const eventId = 'a'.repeat(64);
    const stored = await storeInboxEvent(
      {
        webhook: 'cardTransaction',
        entityId: 'dtx-resume',
        status: 'AUTHORIZED',
        externalUserId: 'du1',
        envelope: 'flat',
        payload: JSON.stringify(tx('dtx-resume', 'AUTHORIZED')),
        receivedAt: new Date().toISOString(),
      },
      () => eventId,
      async () => true,
    );
    expect(stored.created).toBe(true);
    // What the dead processor did before it died: the ledger write, tagged with the inbox event.
    await applyStatus({ type: 'CARD_TRANSACTION', id: 'dtx-resume', status: 'AUTHORIZED', source: 'webhook', upsert: true, note: `inbox:${eventId}` });
    expect(await processInboxEvent(eventId)).toBe('processed');
    expect((await getInboxEvent(eventId))?.outcome).toMatchObject({ applied: true });
    expect(busEvents(s, { entityId: 'dtx-resume' })).toHaveLength(1);
    expect(await processInboxEvent(eventId)).toBe('skipped');
    expect(busEvents(s, { entityId: 'dtx-resume' })).toHaveLength(1);
  });

  it('an event whose processing never ends is given up at its budget, and DEAD with the reason on the last receive (issue 23)', async () => {
    const eventId = 'c'.repeat(64);
    await storeInboxEvent(
      {
        webhook: 'cardTransaction',
        entityId: 'dtx-hang',
        status: 'AUTHORIZED',
        externalUserId: 'du1',
        envelope: 'flat',
        payload: JSON.stringify(tx('dtx-hang', 'AUTHORIZED')),
        receivedAt: new Date().toISOString(),
      },
      () => eventId,
      async () => true,
    );
    // The bus never answers: a publish that nothing settles.
    const hang = vi.spyOn(eventPublisher(), 'publish').mockImplementation(() => new Promise<never>(() => undefined));
    process.env.WEBHOOK_ITEM_BUDGET_SECONDS = '1';
    try {
      await expect(processInboxEvent(eventId, { receiveCount: 5, maxReceiveCount: 5 })).rejects.toBeInstanceOf(BudgetExceededError);
    } finally {
      delete process.env.WEBHOOK_ITEM_BUDGET_SECONDS;
      hang.mockRestore();
    }
    expect(await getInboxEvent(eventId)).toMatchObject({ state: 'DEAD', deadReason: 'over budget: not processed within 1000 ms' });
  });

  it('two processors on the same event at once (SQS at-least-once): one applies and publishes, the other backs off', async () => {
    const eventId = 'b'.repeat(64);
    await storeInboxEvent(
      {
        webhook: 'cardTransaction',
        entityId: 'dtx-race',
        status: 'AUTHORIZED',
        externalUserId: 'du1',
        envelope: 'flat',
        payload: JSON.stringify(tx('dtx-race', 'AUTHORIZED')),
        receivedAt: new Date().toISOString(),
      },
      () => eventId,
      async () => true,
    );
    const results = await Promise.allSettled([processInboxEvent(eventId), processInboxEvent(eventId)]);
    const ok = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<string>).value);
    const busy = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as unknown);
    expect(ok).toContain('processed');
    for (const b of busy) expect(b).toBeInstanceOf(InboxBusyError);
    expect(busEvents(s, { entityId: 'dtx-race' })).toHaveLength(1);
    expect((await getLedgerOperation('CARD_TRANSACTION', 'dtx-race'))?.history.filter((h) => h.applied)).toHaveLength(1);
  });

  it('replaying a processed event from the inbox changes nothing', async () => {
    const r = await deliver(s, TX, tx('dtx-replay', 'AUTHORIZED'));
    const eventId = String(r.json.eventId);
    await busEvent(s, 'cardTransaction', 'dtx-replay', 'AUTHORIZED');
    await settled();
    const before = await getLedgerOperation('CARD_TRANSACTION', 'dtx-replay');
    const replay = await s.call('POST', `/operations/inbox/${eventId}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ eventId, state: 'PROCESSED', enqueued: true });
    await settled();
    expect(busEvents(s, { entityId: 'dtx-replay' })).toHaveLength(1);
    expect(await getLedgerOperation('CARD_TRANSACTION', 'dtx-replay')).toEqual(before);
    expect((await getInboxEvent(eventId))?.replays).toBe(1);
  });

  it('replay: unknown id → 404, malformed id → 400; list pages with a cursor', async () => {
    expect((await s.call('POST', `/operations/inbox/${'0'.repeat(64)}/replay`)).status).toBe(404);
    expect((await s.call('POST', '/operations/inbox/not-an-id/replay')).status).toBe(400);
    expect((await s.call('GET', '/operations/inbox?status=NOPE')).status).toBe(400);
    expect((await s.call('GET', '/operations/inbox?cursor=!!!')).status).toBe(400);
    const first = await s.call('GET', '/operations/inbox?status=PROCESSED&webhook=cardTransaction&limit=2');
    expect(first.status).toBe(200);
    const p1 = first.body as { items: Obj[]; cursor?: string };
    expect(p1.items).toHaveLength(2);
    expect(p1.cursor).toBeDefined();
    const second = await s.call('GET', `/operations/inbox?status=PROCESSED&webhook=cardTransaction&limit=2&cursor=${p1.cursor}`);
    const p2 = second.body as { items: Obj[] };
    expect(p2.items.length).toBeGreaterThan(0);
    expect(p2.items.map((i) => i.eventId)).not.toContain(p1.items[0]?.eventId);
    expect(p1.items.every((i) => i.webhook === 'cardTransaction' && i.state === 'PROCESSED')).toBe(true);
  });
});

describe('secrets', () => {
  it('card codes and IBANs never reach logs, and codes are never in clear in the inbox table', async () => {
    const code = '90817263';
    const iban = 'DE89370400440532013000';
    const output = await captureOutput(async () => {
      expect((await deliver(s, '/webhook/card/3ds-code', { externalUserId: 'du1', cardId: 'card-sec', code, expiresAt: '2026-01-01T00:05:00Z' })).status).toBe(
        200,
      );
      expect(
        (
          await deliver(s, '/webhook/card/activation-code', {
            event_type: 'card.activation',
            data: { externalUserId: 'du1', cardId: 'card-sec', code: '55119' },
          })
        ).status,
      ).toBe(200);
      expect((await deliver(s, '/webhook/iban/status', { externalUserId: 'du1', iban, depositId: 'dep-sec', status: 'PENDING' })).status).toBe(200);
      await busEvent(s, 'card3dsCode', 'card-sec');
      await busEvent(s, 'cardActivationCode', 'card-sec');
      await busEvent(s, 'ibanStatus', 'dep-sec', 'PENDING');
      await settled();
    });
    expect(output).toContain('webhook processed'); // the capture did see the logs
    expect(output).not.toContain(code);
    expect(output).not.toContain('55119');
    expect(output).not.toContain(iban);

    const table = JSON.stringify((await (await documentClient()).send(new ScanCommand({ TableName: process.env.INBOX_TABLE }))).Items);
    expect(table).not.toContain(code);
    expect(table).not.toContain('55119');
    expect(table).not.toContain(iban);
    const items = (await listInboxEvents({ webhook: 'card3dsCode', limit: 10 })).items;
    // Sealed under the data key (v2), not the webhook token (issue 12).
    expect(items[0]?.sealed).toMatch(/^v2\./);

    // The onward event carries the code (the company app shows it); the IBAN event does not carry the IBAN.
    expect(busEvents(s, { webhook: 'card3dsCode', entityId: 'card-sec' })[0]?.detail.data).toMatchObject({ code });
    expect(JSON.stringify(busEvents(s, { entityId: 'dep-sec' }))).not.toContain(iban);
  });
});
