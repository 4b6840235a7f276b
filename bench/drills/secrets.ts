import type { TestSuite } from '../../test/support/suite.js';
import { settleAndDrain } from './support.js';

/**
 * Sensitive traffic for the log scan: every kind of secret the suite handles goes through the handlers
 * (API key and webhook token on every call, a document number, an IBAN, a card's PAN/CVV/expiry, a PIN,
 * a 3DS code and an activation code delivered by webhook), on success paths and on refusal paths.
 * Returns the values to look for; `scanLogs` then searches the captured stdout/stderr for each.
 */
export interface SensitiveValue {
  kind: string;
  value: string;
  /** Short values (PIN, CVV, codes) are searched as JSON strings or `key=value`, so digits in ids and timestamps do not count. */
  quotedOnly: boolean;
}

const ok = (what: string, status: number, text: string, expected: number[]) => {
  if (!expected.includes(status)) throw new Error(`${what}: ${status} ${text}`);
};

export async function sensitiveTraffic(s: TestSuite, tag: string): Promise<SensitiveValue[]> {
  const values: SensitiveValue[] = [
    { kind: 'API key', value: s.apiKey, quotedOnly: false },
    { kind: 'webhook token', value: s.webhookToken, quotedOnly: false },
  ];
  const user = `${tag}-sec`;
  const doc = 'ZX9184736';
  const r1 = await s.call('POST', '/users', { body: { externalUserId: user, citizenship: 'PL', country: 'PL', firstName: 'Jane', lastName: 'Doe', email: `${user}@example.com`, documentNumber: doc } });
  ok('createUser', r1.status, r1.text, [201]);
  values.push({ kind: 'document number', value: doc, quotedOnly: false });
  // A document number on a refusal path too (the user is not at that stage: P100 refuses, we log the refusal).
  const doc2 = 'QK5521093';
  await s.call('POST', `/users/${user}/verification`, { body: { documentType: 'ID_CARD', documentNumber: doc2, documentExpiryDate: '2031-01-01', documentIssuingCountry: 'PL' } });
  values.push({ kind: 'document number', value: doc2, quotedOnly: false });
  await s.control('POST', `/_sandbox/users/${user}/activate`, { extended: true });
  await s.control('POST', `/_sandbox/users/${user}/fund`, { currency: 'eur', amount: '1000' });

  const iban = 'DE89370400440532013000';
  await s.call('POST', `/users/${user}/sepa-transfers`, { headers: { 'idempotency-key': `${tag}-sepa-0001` }, body: { amount: '10.00', currency: 'eur', destinationIban: iban, transferTitle: 'rent', receiverType: 'NATURAL', receiverFirstName: 'Jane', receiverLastName: 'Doe' } });
  values.push({ kind: 'IBAN', value: iban, quotedOnly: false });

  const pin = '7391';
  const card = await s.call('POST', `/users/${user}/cards`, { headers: { 'idempotency-key': `${tag}-card-0001` }, body: { label: 'drill', pin } });
  values.push({ kind: 'PIN', value: pin, quotedOnly: true });
  if (card.status === 201 || card.status === 202) {
    const cardId = card.body.cardId as string;
    for (const [kind, v] of [['PAN', card.body.cardNumber], ['CVV', card.body.cvv]] as const) {
      if (typeof v === 'string' && v) values.push({ kind, value: v, quotedOnly: kind === 'CVV' });
    }
    const details = await s.call('GET', `/users/${user}/cards/${cardId}`);
    if (typeof details.body?.cardNumber === 'string') values.push({ kind: 'PAN', value: details.body.cardNumber, quotedOnly: false });
    const newPin = '5820';
    await s.call('PUT', `/users/${user}/cards/${cardId}/pin`, { body: { pin: newPin } });
    values.push({ kind: 'PIN', value: newPin, quotedOnly: true });
    await s.call('PUT', `/users/${user}/cards/${cardId}/pin`, { body: { pin: '12a4' } }); // refused locally: the PIN is in the problem's input
    const threeDs = '846201';
    const activation = '319057';
    await s.control('POST', `/_sandbox/cards/${cardId}/3ds`, { code: threeDs });
    await s.control('POST', `/_sandbox/cards/${cardId}/activation-code`, { code: activation });
    values.push({ kind: '3DS code', value: threeDs, quotedOnly: true }, { kind: 'activation code', value: activation, quotedOnly: true });
  } else {
    throw new Error(`createCard: ${card.status} ${card.text}`);
  }
  // A webhook with a wrong token (logged as a refusal, never with the token it carried).
  await fetch(`${s.api}/webhook/p2p-transfer`, { method: 'POST', headers: { authorization: 'Bearer wrong-token-4f9a8b7c6d', 'content-type': 'application/json' }, body: '{}' });
  values.push({ kind: 'wrong webhook token', value: 'wrong-token-4f9a8b7c6d', quotedOnly: false });
  await settleAndDrain(s);
  return values;
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
        hits.push({ kind: v.kind, excerpt: text.slice(Math.max(0, at - 80), at).replace(/\s+/g, ' ') + '<VALUE>' });
      }
    }
  }
  return { bytesScanned: Buffer.byteLength(text), lines: text.split('\n').length, valuesSearched: values.length, hits };
}
