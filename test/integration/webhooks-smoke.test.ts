/**
 * Issue 19: `npm run smoke` sends a webhook itself, with the real token, marked as a smoke event so that it
 * never reaches the ledger or the consumers. The marker must be impossible to abuse: only the data key's
 * holder can make one (P100 and a token thief cannot), a bad marker is refused, and a smoke event can never
 * suppress a real event (shared/webhooks/smoke.ts, ASSUMPTIONS.md L1).
 */
import { createHmac } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_SECRET_IDS } from '../../local/suite.js';
import { parseDataKey } from '../../shared/secrets/data-key.js';
import { getLedgerOperation } from '../../shared/store/ledger.js';
import { getInboxEvent } from '../../shared/store/inbox.js';
import { getWebhook } from '../../shared/webhooks/catalog.js';
import { SMOKE_HEADER, smokeMarker } from '../../shared/webhooks/smoke.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import { busEvent, busEvents, waitFor, type Obj } from './webhooks-support.js';

let s: TestSuite;
let dataKey: Buffer;
const path = getWebhook('exchange').path;

beforeAll(async () => {
  s = await startTestSuite();
  const client = new SecretsManagerClient({
    endpoint: s.local.secrets.endpoint,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const secret = await client.send(new GetSecretValueCommand({ SecretId: LOCAL_SECRET_IDS.dataKey }));
  dataKey = parseDataKey(secret.SecretString ?? '').current;
});
afterAll(async () => {
  await s?.close();
});

async function post(body: string, headers: Record<string, string>): Promise<{ status: number; json: Obj }> {
  const res = await fetch(`${s.api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, json: (await res.json()) as Obj };
}

const exchangeBody = (id: string): string =>
  JSON.stringify({ exchangeId: id, status: 'COMPLETED', amount: '10', currencyFrom: 'eur', currencyTo: 'eth', externalUserId: 'smoke-user' });

async function processed(eventId: string) {
  return waitFor(`inbox ${eventId} PROCESSED`, async () => {
    const e = await getInboxEvent(eventId);
    return e?.state === 'PROCESSED' ? e : undefined;
  });
}

describe('smoke webhooks (marked with the data key)', () => {
  it('are received and processed, but applied to nothing and published to nobody', async () => {
    const body = exchangeBody('smoke-ex-1');
    const r = await post(body, { authorization: s.webhookToken, [SMOKE_HEADER]: smokeMarker(dataKey, 'exchange', body) });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ received: true, duplicate: false });
    const item = await processed(String(r.json.eventId));
    expect(item.smoke).toBe(true);
    expect(item.outcome).toMatchObject({ applied: false, reason: 'smoke' });
    expect(item.published).toBeUndefined();
    expect(await getLedgerOperation('EXCHANGE', 'smoke-ex-1')).toBeUndefined();
    expect(busEvents(s, { entityId: 'smoke-ex-1' })).toEqual([]);
  });

  it('a replay of a smoke event by the operator still applies and publishes nothing', async () => {
    const body = exchangeBody('smoke-ex-2');
    const r = await post(body, { authorization: s.webhookToken, [SMOKE_HEADER]: smokeMarker(dataKey, 'exchange', body) });
    const eventId = String(r.json.eventId);
    await processed(eventId);
    const replay = await s.call('POST', `/operations/inbox/${eventId}/replay`);
    expect(replay.status).toBe(202);
    await processed(eventId);
    expect(await getLedgerOperation('EXCHANGE', 'smoke-ex-2')).toBeUndefined();
    expect(busEvents(s, { entityId: 'smoke-ex-2' })).toEqual([]);
  });

  it('cannot suppress a real event: the same body delivered by P100 afterwards is a new event, applied and published', async () => {
    const body = exchangeBody('smoke-ex-3');
    const smoke = await post(body, { authorization: s.webhookToken, [SMOKE_HEADER]: smokeMarker(dataKey, 'exchange', body) });
    await processed(String(smoke.json.eventId));
    const real = await post(body, { authorization: s.webhookToken });
    expect(real.status).toBe(200);
    expect(real.json).toMatchObject({ received: true, duplicate: false });
    expect(real.json.eventId).not.toBe(smoke.json.eventId);
    const e = await busEvent(s, 'exchange', 'smoke-ex-3', 'COMPLETED');
    expect(e.detail.eventId).toBe(real.json.eventId);
    expect((await getLedgerOperation('EXCHANGE', 'smoke-ex-3'))?.status).toBe('COMPLETED');
  });

  it('a marker P100 or a token thief could compute (keyed with the webhook token) is refused with 400 and nothing stored', async () => {
    const body = exchangeBody('smoke-ex-4');
    const forged = createHmac('sha256', s.webhookToken).update(`marker\nexchange\n${body}`).digest('hex');
    const r = await post(body, { authorization: s.webhookToken, [SMOKE_HEADER]: forged });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ status: 400, title: 'Invalid smoke marker' });
    expect(JSON.stringify(r.json)).not.toContain(forged);
    // Nothing stored: a real delivery of the same body afterwards is the first, not a duplicate.
    const real = await post(body, { authorization: s.webhookToken });
    expect(real.json).toMatchObject({ duplicate: false });
    await busEvent(s, 'exchange', 'smoke-ex-4', 'COMPLETED');
  });

  it('a valid marker moved onto another body (a real event) is refused', async () => {
    const smokeBody = exchangeBody('smoke-ex-5');
    const realBody = exchangeBody('real-ex-5');
    const r = await post(realBody, { authorization: s.webhookToken, [SMOKE_HEADER]: smokeMarker(dataKey, 'exchange', smokeBody) });
    expect(r.status).toBe(400);
    // ... and so is a marker made for another webhook's route.
    const other = await post(smokeBody, { authorization: s.webhookToken, [SMOKE_HEADER]: smokeMarker(dataKey, 'p2pTransfer', smokeBody) });
    expect(other.status).toBe(400);
    expect(await getLedgerOperation('EXCHANGE', 'real-ex-5')).toBeUndefined();
  });

  it('an empty marker header is refused, not read as "no marker"', async () => {
    const r = await post(exchangeBody('smoke-ex-6'), { authorization: s.webhookToken, [SMOKE_HEADER]: '' });
    expect(r.status).toBe(400);
  });

  it('without the token a marked delivery is a 401 like any other', async () => {
    const body = exchangeBody('smoke-ex-7');
    const r = await post(body, { authorization: 'wrong-token', [SMOKE_HEADER]: smokeMarker(dataKey, 'exchange', body) });
    expect(r.status).toBe(401);
  });
});
