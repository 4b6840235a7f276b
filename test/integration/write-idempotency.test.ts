/**
 * Issue 13 item 7: an Idempotency-Key is accepted on every write (still required on money operations). A
 * resend of createUser, updateCardPin, deleteCard or a suspension with the same key replays the first
 * answer (`Idempotent-Replayed: true`) without a second P100 call; the same key with another payload is
 * 422; a write without the header runs as before. The stored answer of a PIN change holds no PIN, and its
 * fingerprint is keyed. Against the sandbox suite on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLES } from '../../local/aws/dynamo.js';
import { dynamo } from '../../shared/store/client.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import { activeKycUser, idem, newUserId, upstreamCounts } from './operations-support.js';

let s: TestSuite;
beforeAll(async () => {
  s = await startTestSuite({ seed: 13 });
}, 60_000);
afterAll(async () => {
  await s?.close();
});

const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

/** Sends the same request twice with one key: the second is a replay of the first, with no upstream call. */
async function expectReplay(method: string, path: string, body: unknown, okStatus: number): Promise<string> {
  const key = idem();
  const first = await s.call(method, path, { headers: key, ...(body === undefined ? {} : { body }) });
  expect(first.status, first.text).toBe(okStatus);
  expect(first.headers.get('idempotent-replayed')).toBeNull();
  const before = total(await upstreamCounts(s));
  const again = await s.call(method, path, { headers: key, ...(body === undefined ? {} : { body }) });
  expect(again.status, again.text).toBe(okStatus);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(total(await upstreamCounts(s))).toBe(before);
  return key['idempotency-key'] as string;
}

describe('Idempotency-Key on writes', () => {
  it('createUser: a resend replays the first answer; the same key with another payload is 422', async () => {
    const id = newUserId('iw');
    const body = { externalUserId: id, citizenship: 'PL', firstName: 'Jane', lastName: 'Doe', email: `${id}@example.com` };
    const key = idem();
    const first = await s.call('POST', '/users', { headers: key, body });
    expect(first.status, first.text).toBe(201);
    const again = await s.call('POST', '/users', { headers: key, body });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.userId).toBe(first.body.userId);
    const other = await s.call('POST', '/users', { headers: key, body: { ...body, firstName: 'John' } });
    expect(other.status, other.text).toBe(422);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    // Without a key it runs as before: a second create of the same user is refused by P100 (409 P411).
    expect((await s.call('POST', '/users', { body })).status).toBe(409);
  });

  it('suspension, PIN change and card deletion replay; the stored PIN answer and record hold no PIN', async () => {
    const holder = newUserId('iw');
    await activeKycUser(s, holder);
    const card = await s.call('POST', `/users/${holder}/cards`, { headers: idem(), body: { label: 'Main', pin: '1234' } });
    expect(card.status, card.text).toBe(201);
    const cardPath = `/users/${holder}/cards/${card.body.cardId as string}`;

    const pinKey = await expectReplay('PUT', `${cardPath}/pin`, { pin: '7391' }, 200);
    const other = await s.call('PUT', `${cardPath}/pin`, { headers: { 'idempotency-key': pinKey }, body: { pin: '7392' } });
    expect(other.status).toBe(422);
    const { doc, lib } = await dynamo();
    const record = (await doc.send(new lib.GetCommand({ TableName: LOCAL_TABLES.idempotency.name, Key: { pk: `updateCardPin#${pinKey}` } }))).Item;
    expect(record?.status).toBe('COMPLETED');
    // The PIN as a value of its own (quoted, or escaped inside a stored body): not as four digits inside the
    // record's random hex (its Idempotency-Key, fingerprints), which they may be by chance.
    expect(JSON.stringify(record)).not.toMatch(/(^|[^0-9a-z])7391([^0-9a-z]|$)/i);

    await expectReplay('DELETE', cardPath, undefined, 200);
    await expectReplay('POST', `/users/${holder}/suspension`, undefined, 200);
  });

  it('refuses a malformed key on a write with 400, before any upstream call', async () => {
    const before = await upstreamCounts(s);
    const res = await s.call('POST', `/users/${newUserId('iw')}/suspension`, { headers: { 'idempotency-key': 'bad key!' } });
    expect(res.status).toBe(400);
    expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain('Idempotency-Key');
    expect(await upstreamCounts(s)).toEqual(before);
  });
});
