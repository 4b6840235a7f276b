import type { TestSuite } from '../../test/support/suite.js';
import type { StoreText } from './stores.js';
import { settleAndDrain } from './support.js';

/**
 * Sensitive traffic for the data scan: every class of sensitive value the suite handles goes through the
 * handlers (API key and webhook token on every call, personal data, IBANs, a card's PAN/CVV, PINs, card
 * codes delivered by webhook), on success paths and on refusal paths. Returns the values to look for;
 * `scanLogs` searches the captured stdout/stderr and ./stores.ts every other store for each.
 */
export interface SensitiveValue {
  kind: string;
  value: string;
  /** Its class in the data classification (shared/classification): secrets may rest nowhere in clear. */
  class: 'secret' | 'personal';
  /** Short values (PIN, CVV, codes) are searched as JSON strings or `key=value`, so digits in ids and timestamps do not count. */
  quotedOnly: boolean;
}

/** What the traffic planted, and the problem bodies the suite answered meanwhile (a store to scan too). */
export interface SensitiveTraffic {
  values: SensitiveValue[];
  problems: StoreText[];
}

const ok = (what: string, status: number, text: string, expected: number[]) => {
  if (!expected.includes(status)) throw new Error(`${what}: ${status} ${text}`);
};

// Luhn-valid card numbers nobody issued to the drill's card: planted where P100 should never put one.
const PLANTED_PANS = ['4539578763621486', '5412751234123452', '4716108999716531', '4929804463622139'] as const;

/**
 * Every class of sensitive value through every door: requests (success and refusal paths, money and
 * other writes with an Idempotency-Key) and webhooks delivered straight to the receivers with unexpected
 * extra fields (a PAN and CVV on a card code, a PAN on a card transaction and inside its merchant name,
 * a sender IBAN and an IBAN inside a title, a document number and a PESEL on a user event, a PAN inside an
 * unknown nested field). Returns the values to search and the problem bodies answered.
 */
export async function sensitiveTraffic(s: TestSuite, tag: string): Promise<SensitiveTraffic> {
  const problems: StoreText[] = [];
  const call: TestSuite['call'] = async (method, path, opts) => {
    const r = await s.call(method, path, opts);
    if (r.status >= 400) problems.push({ store: 'problem', location: `${method} ${path} -> ${r.status}`, text: r.text });
    return r;
  };
  const secret = (kind: string, value: string, quotedOnly = false): SensitiveValue => ({ kind, value, class: 'secret', quotedOnly });
  const personal = (kind: string, value: string): SensitiveValue => ({ kind, value, class: 'personal', quotedOnly: false });
  const values: SensitiveValue[] = [secret('API key', s.apiKey), secret('webhook token', s.webhookToken)];
  const user = `${tag}-sec`;
  const doc = 'ZX9184736';
  const pesel = '87062112345';
  const person = {
    firstName: 'Zbigniewa',
    lastName: 'Brzeczyszczykiewicz',
    email: `zbigniewa.${tag}@example.org`,
    phone: '48600123987',
    street: 'Ulica Tajemnicza',
    city: 'Szczebrzeszyn',
    birthDate: '1987-06-21',
  };
  // Sent twice under one key: the second answer is a replay from the idempotency record.
  const createUser = {
    headers: { 'idempotency-key': `${tag}-user-0001` },
    body: {
      externalUserId: user,
      citizenship: 'PL',
      country: 'PL',
      ...person,
      number: '17',
      postCode: '22-460',
      documentNumber: doc,
      userIdentificationNumber: pesel,
    },
  };
  const r1 = await call('POST', '/users', createUser);
  ok('createUser', r1.status, r1.text, [201]);
  values.push(personal('document number', doc), personal('PESEL', pesel), personal('first name', person.firstName), personal('last name', person.lastName));
  values.push(
    personal('e-mail', person.email),
    personal('phone', person.phone),
    personal('street', person.street),
    personal('city', person.city),
    personal('birth date', person.birthDate),
  );
  // The same key again: a replay from the idempotency record (which must hold no clear personal value).
  await call('POST', '/users', createUser);
  // A document number on a refusal path too (the user is not at that stage: P100 refuses, we log the refusal).
  const doc2 = 'QK5521093';
  await call('POST', `/users/${user}/verification`, {
    body: { documentType: 'ID_CARD', documentNumber: doc2, documentExpiryDate: '2031-01-01', documentIssuingCountry: 'PL' },
  });
  values.push(personal('document number', doc2));
  await s.control('POST', `/_sandbox/users/${user}/activate`, { extended: true });
  await s.control('POST', `/_sandbox/users/${user}/fund`, { currency: 'eur', amount: '1000' });
  const address = 'Aleja Sekretna 7';
  await call('PATCH', `/users/${user}`, { headers: { 'idempotency-key': `${tag}-patch-0001` }, body: { address } });
  values.push(personal('address', address));

  const iban = 'DE89370400440532013000';
  const receiver = { receiverFirstName: 'Jadwigaa', receiverLastName: 'Wierzbickaa' };
  // SEPA level 2 (any IBAN, the receiver's names): accepted, so the ledger and the idempotency record hold it.
  await s.control('POST', '/_sandbox/config', { sepaLevel: 2 });
  const sepa = await call('POST', `/users/${user}/sepa-transfers`, {
    headers: { 'idempotency-key': `${tag}-sepa-0001` },
    body: { amount: '10.00', currency: 'eur', destinationIban: iban, transferTitle: `rent for ${PLANTED_PANS[2]}`, receiverType: 'NATURAL', ...receiver },
  });
  await s.control('POST', '/_sandbox/config', { sepaLevel: 1 });
  ok('createSepaTransfer', sepa.status, sepa.text, [200, 201, 202]);
  values.push(personal('IBAN', iban), personal('receiver first name', receiver.receiverFirstName), personal('receiver last name', receiver.receiverLastName));

  const pin = '7391';
  const card = await call('POST', `/users/${user}/cards`, { headers: { 'idempotency-key': `${tag}-card-0001` }, body: { label: 'drill', pin } });
  values.push(secret('PIN', pin, true));
  if (card.status !== 201 && card.status !== 202) throw new Error(`createCard: ${card.status} ${card.text}`);
  const cardId = card.body.cardId as string;
  for (const [kind, v] of [
    ['PAN', card.body.cardNumber],
    ['CVV', card.body.cvv],
  ] as const) {
    if (typeof v === 'string' && v) values.push(secret(kind, v, kind === 'CVV'));
  }
  const details = await call('GET', `/users/${user}/cards/${cardId}`);
  if (typeof details.body?.cardNumber === 'string') values.push(secret('PAN', details.body.cardNumber));
  const newPin = '5820';
  // A PIN change with an Idempotency-Key: its fingerprint is keyed, its stored answer holds no PIN.
  await call('PUT', `/users/${user}/cards/${cardId}/pin`, { headers: { 'idempotency-key': `${tag}-pin-0001` }, body: { pin: newPin } });
  await call('PUT', `/users/${user}/cards/${cardId}/pin`, { headers: { 'idempotency-key': `${tag}-pin-0001` }, body: { pin: newPin } });
  values.push(secret('PIN', newPin, true));
  await call('PUT', `/users/${user}/cards/${cardId}/pin`, { body: { pin: '12a4' } }); // refused locally: the PIN is in the problem's input
  // Refusals that carry planted values: none may be echoed in the problem body.
  await call('POST', `/users/${user}/cards`, { headers: { 'idempotency-key': `${tag}-card-0002` }, body: { label: `x ${PLANTED_PANS[3]}`, pin: '99x1' } });
  await call('POST', '/users', { body: { externalUserId: `${tag}-bad`, citizenship: 'PL', email: `not-an-email ${pesel}`, documentNumber: doc } });
  values.push(secret('PAN', PLANTED_PANS[3]));
  const threeDs = '846201';
  const activation = '319057';
  await s.control('POST', `/_sandbox/cards/${cardId}/3ds`, { code: threeDs });
  await s.control('POST', `/_sandbox/cards/${cardId}/activation-code`, { code: activation });
  values.push(secret('3DS code', threeDs, true), secret('activation code', activation, true));

  // Webhooks straight to the receivers, as P100 would send them, with fields nobody expected.
  const hook = async (path: string, body: unknown) => {
    const r = await fetch(`${s.api}${path}`, {
      method: 'POST',
      headers: { authorization: s.webhookToken, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (r.status >= 400) problems.push({ store: 'problem', location: `webhook ${path} -> ${r.status}`, text: await r.text() });
    else await r.text();
  };
  const iban2 = 'PL61109010140000071219812874';
  const iban3 = 'FR1420041010050500013M02606';
  const doc3 = 'AB7766554';
  const pesel2 = '92110398765';
  const code2 = '530118';
  // Contact data inside free text (issue 26): an e-mail address in a merchant name, a phone number in a SEPA title.
  const freeEmail = `payee.${tag}@example.net`;
  const freePhone = '+48 611 222 333';
  await hook('/webhook/card/3ds-code', {
    externalUserId: user,
    cardId,
    code: code2,
    expiresAt: '2030-01-01T00:00:00Z',
    cardNumber: PLANTED_PANS[0],
    cvv: '468',
  });
  await hook('/webhook/card/transaction', {
    transactionId: `${tag}-tx-1`,
    externalUserId: user,
    cardId,
    amount: '3.00',
    currency: 'eur',
    merchantName: `SHOP ${PLANTED_PANS[1]} ${freeEmail}`,
    status: 'AUTHORIZED',
    pan: PLANTED_PANS[0],
  });
  await hook('/webhook/sepa-transfer/status', {
    id: `${tag}-sepa-x`,
    type: 'external',
    amount: '1.00',
    currency: 'eur',
    status: 'SUCCESSFUL',
    transferTitle: `to ${iban3}`,
    destinationIban: iban,
    senderIban: iban2,
    receiverFirstName: receiver.receiverFirstName,
  });
  await hook('/webhook/sepa-deposit/status', {
    event_type: 'sepa.deposit',
    data: {
      id: `${tag}-dep-x`,
      externalUserId: user,
      amount: '2.00',
      currency: 'eur',
      senderName: person.lastName,
      senderIban: iban2,
      title: `from ${iban3} tel ${freePhone}`,
      status: 'SUCCESSFUL',
    },
  });
  await hook('/webhook/user/status', {
    externalUserId: user,
    status: 'ACTIVE',
    documentNumber: doc3,
    pesel: pesel2,
    extra: { nested: { card: PLANTED_PANS[2] } },
  });
  values.push(
    secret('PAN', PLANTED_PANS[0]),
    secret('PAN', PLANTED_PANS[1]),
    secret('PAN', PLANTED_PANS[2]),
    secret('CVV', '468', true),
    secret('3DS code', code2, true),
  );
  values.push(personal('IBAN', iban2), personal('IBAN', iban3), personal('document number', doc3), personal('PESEL', pesel2));
  values.push(personal('e-mail in free text', freeEmail), personal('phone in free text', freePhone));

  // A KYC document: its content holds the document number (the document itself may rest, in the bucket).
  const content = Buffer.from(`%PDF-1.4\n% identity card ${doc} ${person.lastName}\n`);
  const up = await call('POST', `/users/${user}/uploads`, {
    body: { purpose: 'KYC', fileName: `id-${pesel}.pdf`, contentType: 'application/pdf', size: content.byteLength },
  });
  if (up.status === 201 || up.status === 200)
    await fetch(up.body.url as string, { method: 'PUT', headers: up.body.headers as Record<string, string>, body: content });

  // A webhook with a wrong token (logged as a refusal, never with the token it carried).
  await fetch(`${s.api}/webhook/p2p-transfer`, {
    method: 'POST',
    headers: { authorization: 'Bearer wrong-token-4f9a8b7c6d', 'content-type': 'application/json' },
    body: '{}',
  });
  values.push(secret('wrong webhook token', 'wrong-token-4f9a8b7c6d'));
  await settleAndDrain(s);
  return { values, problems };
}

export interface LogScanResult {
  bytesScanned: number;
  lines: number;
  valuesSearched: number;
  hits: { kind: string; excerpt: string }[];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Searches captured output for each value (and a PAN's digits in groups of four). Excerpts are masked. */
export function scanLogs(text: string, values: readonly SensitiveValue[]): LogScanResult {
  const hits: { kind: string; excerpt: string }[] = [];
  for (const v of values) {
    const patterns: RegExp[] = [];
    if (v.quotedOnly) patterns.push(new RegExp(`"${escapeRe(v.value)}"|=${escapeRe(v.value)}(?![0-9])`));
    else patterns.push(new RegExp(escapeRe(v.value)));
    if (v.kind === 'PAN') patterns.push(new RegExp(v.value.replace(/\D/g, '').replace(/(\d{4})(?=\d)/g, '$1[ -]?')));
    for (const re of patterns) {
      const m = re.exec(text);
      if (m) {
        const at = m.index;
        hits.push({ kind: v.kind, excerpt: `${text.slice(Math.max(0, at - 80), at).replace(/\s+/g, ' ')}<VALUE>` });
      }
    }
  }
  return { bytesScanned: Buffer.byteLength(text), lines: text.split('\n').length, valuesSearched: values.length, hits };
}
