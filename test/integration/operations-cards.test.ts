/**
 * Virtual-card operations through the local gateway against the P100 sandbox: for each, a success, a
 * validation failure that never reaches P100, and a P100 refusal mapped to our status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStatus, getLedgerOperation } from '../../shared/store/ledger.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import { activeKycUser, createKycUser, expectLedger, expectRefused, expectRejectedLocally, idem, newUserId } from './operations-support.js';

let s: TestSuite;
const UNKNOWN = 'nobody-here';
const NO_SUCH_CARD = '00000000-0000-0000-0000-000000000000';
let holder: string;
let cardId: string;

const LIMITS = { monthlyTrxAll: '3000.00', dailyTrxAll: '300', monthlyTrxAtm: '1000', dailyTrxAtm: '100.50', monthlyTrxEcom: '2000', dailyTrxEcom: '0' };

beforeAll(async () => {
  s = await startTestSuite();
  holder = newUserId('card');
  await activeKycUser(s, holder);
  const res = await s.call('POST', `/users/${holder}/cards`, { headers: idem(), body: { label: 'Main', pin: '1234' } });
  expect(res.status, res.text).toBe(201);
  cardId = res.body.cardId;
});
afterAll(async () => s?.close());

const cardPath = (user: string, card: string, rest = '') => `/users/${user}/cards/${card}${rest}`;

describe('createCard', () => {
  it('issues a card and returns its number and CVV once', async () => {
    const id = newUserId('card');
    await activeKycUser(s, id);
    const res = await s.call('POST', `/users/${id}/cards`, { headers: idem(), body: { label: 'Travel', pin: '0000' } });
    expect(res.status, res.text).toBe(201);
    await expectLedger('CARD', res.body.cardId, { externalUserId: id });
    expect(res.body).toMatchObject({
      cardId: expect.any(String),
      cardNumber: expect.stringMatching(/^\d{16}$/),
      cvv: expect.stringMatching(/^\d{3}$/),
      exp: expect.stringMatching(/^\d{2}\/\d{2}$/),
    });
  });

  it('refuses a 3-digit PIN, and a missing Idempotency-Key, before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('POST', `/users/${UNKNOWN}/cards`, { headers: idem(), body: { label: 'x', pin: '123' } }), 'pin');
    await expectRejectedLocally(s, () => s.call('POST', `/users/${UNKNOWN}/cards`, { body: { label: 'x', pin: '1234' } }), 'Idempotency-Key');
  });

  it('maps a user not extended (P461) and the creation limit of 5 per 24 h (P463) to 409', async () => {
    const plain = newUserId('card');
    await createKycUser(s, plain);
    await s.control('POST', `/_sandbox/users/${plain}/activate`, { extended: false });
    expectRefused(await s.call('POST', `/users/${plain}/cards`, { headers: idem(), body: { label: 'x', pin: '1234' } }), 409, 'P461');

    const busy = newUserId('card');
    await activeKycUser(s, busy);
    for (let i = 0; i < 5; i++) {
      expect((await s.call('POST', `/users/${busy}/cards`, { headers: idem(), body: { label: `c${i}`, pin: '1234' } })).status).toBe(201);
    }
    const sixth = await s.call('POST', `/users/${busy}/cards`, { headers: idem(), body: { label: 'c5', pin: '1234' } });
    expectRefused(sixth, 409, 'P463');
  });
});

describe('listUserCards', () => {
  it("lists the user's cards with the last four digits only", async () => {
    const res = await s.call('GET', `/users/${holder}/cards`);
    expect(res.status, res.text).toBe(200);
    const card = res.body.cards.find((c: { cardId: string }) => c.cardId === cardId);
    expect(card).toMatchObject({ status: 'ACTIVE', label: 'Main', cardLastDigits: expect.stringMatching(/^\d{4}$/) });
    expect(card.cardNumber).toBeUndefined();
  });

  it('refuses a malformed externalUserId before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('GET', '/users/bad%20id/cards'), 'externalUserId');
  });

  it('maps an unknown user (P412) to 404', async () => {
    expectRefused(await s.call('GET', `/users/${UNKNOWN}/cards`), 404, 'P412');
  });
});

describe('getCard', () => {
  it('returns status and sensitive card data', async () => {
    const res = await s.call('GET', cardPath(holder, cardId));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'ACTIVE', cardNumber: expect.stringMatching(/^\d{16}$/), cvv: expect.stringMatching(/^\d{3}$/) });
  });

  it('refuses a malformed cardId before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('GET', cardPath(holder, 'bad%20card')), 'cardId');
  });

  it('maps an unknown card (P434) to 404', async () => {
    expectRefused(await s.call('GET', cardPath(holder, NO_SUCH_CARD)), 404, 'P434');
  });
});

describe('updateCardPin', () => {
  it('sets a new PIN', async () => {
    const res = await s.call('PUT', cardPath(holder, cardId, '/pin'), { body: { pin: '9876' } });
    expect(res.status, res.text).toBe(200);
  });

  it('refuses a non-numeric PIN before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('PUT', cardPath(holder, cardId, '/pin'), { body: { pin: 'abcd' } }), 'pin');
  });

  it('maps an unknown card (P434) to 404', async () => {
    expectRefused(await s.call('PUT', cardPath(holder, NO_SUCH_CARD, '/pin'), { body: { pin: '1111' } }), 404, 'P434');
  });
});

describe('blockCard and unblockCard', () => {
  it('locks the card (LOCKED_BY_USER) and unlocks it (ACTIVE)', async () => {
    // The ledger knows the card ACTIVE, as the card's activation webhook tells it (the step then is a transition).
    await applyStatus({ type: 'CARD', id: cardId, status: 'ACTIVE', source: 'webhook', upsert: true });
    const blocked = await s.call('POST', cardPath(holder, cardId, '/block'));
    expect(blocked.status, blocked.text).toBe(200);
    expect((await s.call('GET', cardPath(holder, cardId))).body.status).toBe('LOCKED_BY_USER');
    // The ledger's card follows the step (the catalog entry's `cardLedger`): no webhook carries card status.
    expect((await getLedgerOperation('CARD', cardId))?.status).toBe('LOCKED_BY_USER');
    const unblocked = await s.call('POST', cardPath(holder, cardId, '/unblock'));
    expect(unblocked.status, unblocked.text).toBe(200);
    expect((await s.call('GET', cardPath(holder, cardId))).body.status).toBe('ACTIVE');
    expect((await getLedgerOperation('CARD', cardId))?.status).toBe('ACTIVE');
  });

  it('refuses a body (the actions take none) before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('POST', cardPath(holder, cardId, '/block'), { body: { reason: 'lost' } }), '(root)');
    await expectRejectedLocally(s, () => s.call('POST', cardPath(holder, cardId, '/unblock'), { body: { reason: 'found' } }), '(root)');
  });

  it('maps a suspended holder (P455) to 409 and an unknown card (P434) to 404', async () => {
    const id = newUserId('card');
    await activeKycUser(s, id);
    const card = (await s.call('POST', `/users/${id}/cards`, { headers: idem(), body: { label: 'x', pin: '1234' } })).body.cardId as string;
    expect((await s.call('POST', `/users/${id}/suspension`)).status).toBe(200);
    expectRefused(await s.call('POST', cardPath(id, card, '/block')), 409, 'P455');
    expectRefused(await s.call('POST', cardPath(holder, NO_SUCH_CARD, '/unblock')), 404, 'P434');
  });
});

describe('getCardLimits and updateCardLimits', () => {
  it('replaces the six limits and reads them back as decimal strings', async () => {
    const res = await s.call('PUT', cardPath(holder, cardId, '/limits'), { body: LIMITS });
    expect(res.status, res.text).toBe(200);
    const read = await s.call('GET', cardPath(holder, cardId, '/limits'));
    expect(read.status, read.text).toBe(200);
    expect(read.body).toEqual({
      monthlyTrxAll: '3000',
      dailyTrxAll: '300',
      monthlyTrxAtm: '1000',
      dailyTrxAtm: '100.5',
      monthlyTrxEcom: '2000',
      dailyTrxEcom: '0',
    });
  });

  it('refuses a daily limit above its monthly one, and a numeric limit, before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('PUT', cardPath(holder, cardId, '/limits'), { body: { ...LIMITS, dailyTrxAtm: '1000.01' } }), 'dailyTrxAtm');
    await expectRejectedLocally(s, () => s.call('PUT', cardPath(holder, cardId, '/limits'), { body: { ...LIMITS, monthlyTrxEcom: 2000 } }), 'monthlyTrxEcom');
    await expectRejectedLocally(s, () => s.call('GET', cardPath(holder, 'bad%20card', '/limits')), 'cardId');
  });

  it('maps an unknown card (P434) to 404', async () => {
    expectRefused(await s.call('GET', cardPath(holder, NO_SUCH_CARD, '/limits')), 404, 'P434');
    expectRefused(await s.call('PUT', cardPath(holder, NO_SUCH_CARD, '/limits'), { body: LIMITS }), 404, 'P434');
  });
});

describe('deleteCard', () => {
  it('deletes a card, which is then unknown and no longer listed', async () => {
    const card = (await s.call('POST', `/users/${holder}/cards`, { headers: idem(), body: { label: 'Spare', pin: '1234' } })).body.cardId as string;
    const res = await s.call('DELETE', cardPath(holder, card));
    expect(res.status, res.text).toBe(200);
    expectRefused(await s.call('GET', cardPath(holder, card)), 404, 'P434');
    const list = await s.call('GET', `/users/${holder}/cards`);
    expect(list.body.cards.map((c: { cardId: string }) => c.cardId)).not.toContain(card);
  });

  it('refuses a malformed cardId before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('DELETE', cardPath(holder, 'bad%20card')), 'cardId');
  });

  it('maps an unknown card (P434) to 404 and an unknown user (P412) to 404', async () => {
    expectRefused(await s.call('DELETE', cardPath(holder, NO_SUCH_CARD)), 404, 'P434');
    expectRefused(await s.call('DELETE', cardPath(UNKNOWN, NO_SUCH_CARD)), 404, 'P412');
  });
});
