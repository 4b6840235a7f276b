/**
 * Issue 12, observation 2: sensitive fields P100 sends (expected or not) were stored and published in
 * clear. Each webhook below carries planted values; none may appear in GET /operations/inbox, on the bus,
 * or anywhere in the inbox table, except what the classification allows (the card code on its own event,
 * by design; personal values masked). Against the sandbox suite on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLES } from '../../local/aws/dynamo.js';
import { dynamo } from '../../shared/store/client.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import { activeUser, busEvent, deliver, waitFor } from './webhooks-support.js';

let s: TestSuite;

beforeAll(async () => {
  s = await startTestSuite({ seed: 12 });
  await activeUser(s, 'sens-user');
}, 60_000);
afterAll(async () => {
  await s?.close();
});

const PAN = '4539578763621486'; // Luhn-valid
const PAN2 = '5412751234123452';
const IBAN = 'DE89370400440532013000';
const IBAN2 = 'PL61109010140000071219812874';
const IBAN3 = 'FR1420041010050500013M02606';
const CVV = '"917"';
const DOC = 'ZX9184736';
const PESEL = '90051512345';
const CODE = '846201';

async function inboxText(): Promise<string> {
  const r = await s.call('GET', '/operations/inbox?limit=100');
  expect(r.status).toBe(200);
  return r.text;
}

async function tableText(): Promise<string> {
  const { doc, lib } = await dynamo();
  const out = await doc.send(new lib.ScanCommand({ TableName: LOCAL_TABLES.inbox.name }));
  return JSON.stringify(out.Items ?? []);
}

function busText(webhook: string, entityId: string): string {
  return JSON.stringify(s.local.bus.list({ webhook, entityId }));
}

describe('webhook bodies are classified at the receiver and at the publish', () => {
  it('3DS code with extra cardNumber and cvv: neither in the inbox view, the inbox table nor on the bus; the code only on its event', async () => {
    const r = await deliver(s, '/webhook/card/3ds-code', {
      externalUserId: 'sens-user',
      cardId: 'card-sens-1',
      code: CODE,
      expiresAt: '2030-01-01T00:00:00Z',
      cardNumber: PAN,
      cvv: '917',
    });
    expect(r.status).toBe(200);
    const e = await busEvent(s, 'card3dsCode', 'card-sens-1');
    // By design the company app gets the code (EVENTS.md); nothing else secret travels with it.
    expect(e.detail.data).toMatchObject({ code: CODE });
    for (const text of [await inboxText(), await tableText(), busText('card3dsCode', 'card-sens-1')]) {
      expect(text).not.toContain(PAN);
      expect(text).not.toContain(CVV);
    }
    expect((e.detail.data as Record<string, unknown>).cvv).toBeUndefined();
    expect((e.detail.data as Record<string, unknown>).cardNumber).toBe('453957******1486');
    // The code rests sealed only.
    expect(await inboxText()).not.toContain(CODE);
    expect(await tableText()).not.toContain(CODE);
  });

  it('card transaction with a pan field and a PAN inside merchantName', async () => {
    await deliver(s, '/webhook/card/transaction', {
      transactionId: 'tx-sens-1',
      externalUserId: 'sens-user',
      cardId: 'card-sens-1',
      amount: '12.00',
      currency: 'eur',
      merchantName: `SHOP ${PAN2} WARSAW`,
      status: 'AUTHORIZED',
      pan: PAN,
    });
    await busEvent(s, 'cardTransaction', 'tx-sens-1');
    for (const text of [await inboxText(), await tableText(), busText('cardTransaction', 'tx-sens-1')]) {
      expect(text).not.toContain(PAN);
      expect(text).not.toContain(PAN2);
    }
    expect(busText('cardTransaction', 'tx-sens-1')).toContain('SHOP 541275******3452 WARSAW');
  });

  it('issue 26, observation 3: an e-mail and a phone number inside free text are masked like the IBAN beside them (inbox view, table, bus, one event)', async () => {
    const EMAIL = 'someone@example.com';
    const PHONE = '+48 600 123 456';
    await deliver(s, '/webhook/card/transaction', {
      transactionId: 'tx-sens-contact',
      externalUserId: 'sens-user',
      cardId: 'card-sens-1',
      amount: '250.00',
      currency: 'eur',
      merchantName: `refund ${EMAIL} ${IBAN} call ${PHONE}`,
      status: 'AUTHORIZED',
    });
    await busEvent(s, 'cardTransaction', 'tx-sens-contact');
    const listed = (await s.call('GET', '/operations/inbox?entityId=tx-sens-contact')).body.items as { eventId: string }[];
    const one = await s.call('GET', `/operations/inbox-events/${listed[0]?.eventId}`);
    expect(one.status, one.text).toBe(200);
    for (const text of [await inboxText(), one.text, await tableText(), busText('cardTransaction', 'tx-sens-contact')]) {
      expect(text).not.toContain(EMAIL);
      expect(text).not.toContain(PHONE);
      expect(text).not.toContain(IBAN);
    }
    expect(one.body.payload.merchantName).toBe('refund s***@example.com DE89**************3000 call +*********56');
    expect(busText('cardTransaction', 'tx-sens-contact')).toContain('s***@example.com');
  });

  it('SEPA transfer: senderIban and destinationIban, an IBAN inside the title, names', async () => {
    await deliver(s, '/webhook/sepa-transfer/status', {
      id: 'sepa-sens-1',
      type: 'external',
      amount: '10.00',
      currency: 'eur',
      status: 'SUCCESSFUL',
      transferTitle: `rent to ${IBAN3}`,
      destinationIban: IBAN,
      senderIban: IBAN2,
      receiverFirstName: 'Zbigniewa',
      receiverLastName: 'Brzęczyszczykiewicz',
      fee: 0.5,
    });
    await busEvent(s, 'sepaTransfer', 'sepa-sens-1');
    for (const text of [await inboxText(), await tableText(), busText('sepaTransfer', 'sepa-sens-1')]) {
      for (const v of [IBAN, IBAN2, IBAN3, 'Zbigniewa', 'Brzęczyszczykiewicz']) expect(text).not.toContain(v);
    }
    // Masked, so an operator still recognises them.
    expect(await inboxText()).toContain('DE89**************3000');
  });

  it('user webhook with a document number and a PESEL it should never have carried', async () => {
    await deliver(s, '/webhook/user/status', { externalUserId: 'sens-user', status: 'SUSPENDED', documentNumber: DOC, pesel: PESEL, note: `id ${DOC}` });
    await busEvent(s, 'userStatus', 'sens-user', 'SUSPENDED');
    for (const text of [await inboxText(), await tableText(), busText('userStatus', 'sens-user')]) {
      expect(text).not.toContain(PESEL);
      // The document number is masked in its own field; inside free text it is not detectable by value
      // (no checksum), which the classification documents: only PANs and IBANs are found by value.
      expect(text).not.toContain(`"${DOC}"`);
    }
  });

  it('SEPA deposit: senderIban and an IBAN inside the title, unknown extra field holding a PAN', async () => {
    await deliver(s, '/webhook/sepa-deposit/status', {
      id: 'dep-sens-1',
      externalUserId: 'sens-user',
      amount: '5.00',
      currency: 'eur',
      senderName: 'Jan Kowalski',
      senderIban: IBAN2,
      title: `from ${IBAN}`,
      status: 'SUCCESSFUL',
      extra: { card: PAN },
    });
    await busEvent(s, 'sepaDeposit', 'dep-sens-1');
    await waitFor('processed', async () => !(await inboxText()).includes('"RECEIVED"') || undefined);
    for (const text of [await inboxText(), await tableText(), busText('sepaDeposit', 'dep-sens-1')]) {
      for (const v of [IBAN, IBAN2, PAN, 'Kowalski']) expect(text).not.toContain(v);
    }
  });
});
