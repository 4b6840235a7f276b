/**
 * The data classification covers every field the suite receives, stores, logs or publishes (issue 12,
 * deliver 1): every key of every catalog entry's request and response schema, every webhook's known field.
 * The catalog's `redact` lists and the webhook catalog's `secretFields` are checked against it, and the
 * rules that follow from it (rest view, webhook protection) are exercised on planted values.
 */
import { describe, expect, it } from 'vitest';
import { operations } from '../../shared/catalog/index.js';
import {
  classify,
  classOf,
  detectSensitiveValues,
  FIELD_CLASSIFICATION,
  fieldsOfClass,
  LOG_ONLY_SENSITIVE_KEYS,
  maskSensitiveValues,
  operationDataClasses,
  operationFields,
  protectWebhookEntity,
  restView,
  sensitiveWebhookFields,
  WEBHOOK_FIELDS,
} from '../../shared/classification/index.js';
import { isSensitiveKey } from '../../shared/log/redact.js';
import { webhooks } from '../../shared/webhooks/catalog.js';

describe('the data classification', () => {
  it('classes every request and response field of every catalog operation', () => {
    const unclassified: string[] = [];
    let fields = 0;
    for (const op of operations) {
      for (const [where, names] of Object.entries(operationFields(op))) {
        for (const k of names) {
          fields++;
          if (!classify(k)) unclassified.push(`${op.operationId}.${where}.${k}`);
        }
      }
    }
    expect(fields).toBeGreaterThan(200); // the walk does reach into the schemas
    expect(unclassified).toEqual([]);
  });

  it('classes every known field of every webhook, and every webhook has a field list', () => {
    expect(Object.keys(WEBHOOK_FIELDS).sort()).toEqual(webhooks.map((w) => w.name).sort());
    for (const w of webhooks) {
      const known = WEBHOOK_FIELDS[w.name] ?? [];
      expect(known, w.name).toContain(w.entityIdField);
      if (w.statusField) expect(known, w.name).toContain(w.statusField);
      expect(
        known.filter((f) => !classify(f)),
        w.name,
      ).toEqual([]);
    }
  });

  it("the webhook catalog's secretFields are exactly each webhook's non-public known fields", () => {
    for (const w of webhooks) expect([...w.secretFields].sort(), w.name).toEqual(sensitiveWebhookFields(w.name).sort());
  });

  it("every catalog entry's redact field is secret or personal (or log-only plumbing), so it never rests in clear", () => {
    const wrong: string[] = [];
    for (const op of operations)
      for (const f of op.redact) if (classOf(f) === 'public' && !LOG_ONLY_SENSITIVE_KEYS.includes(f)) wrong.push(`${op.operationId}: ${f}`);
    expect(wrong).toEqual([]);
  });

  it('the catalog carries it: each operation lists its secret and personal fields', () => {
    const byId = new Map(operations.map((op) => [op.operationId, operationDataClasses(op)]));
    expect(byId.get('createCard')?.secret).toEqual(expect.arrayContaining(['cardNumber', 'cvv', 'pin']));
    expect(byId.get('updateCardPin')?.secret).toContain('pin');
    expect(byId.get('createUser')?.personal).toEqual(expect.arrayContaining(['documentNumber', 'email', 'firstName', 'lastName', 'phone', 'birthDate']));
    expect(byId.get('createSepaTransfer')?.personal).toContain('destinationIban');
    expect(byId.get('getExchangeRate')?.secret).toEqual([]);
  });

  it('the log redaction reads it: every secret and personal field is redacted by key', () => {
    for (const c of FIELD_CLASSIFICATION) expect(isSensitiveKey(c.field), c.field).toBe(c.class !== 'public');
    // Names match whatever their spelling.
    expect(classify('sender_iban')?.class).toBe('personal');
    expect(classify('CARD-NUMBER')?.kind).toBe('pan');
  });

  it('has the classes of the issue: PIN, CVV, PAN, codes, API key, webhook token secret; IBAN, documents, PESEL, birth date, names, e-mail, phone, address personal', () => {
    for (const f of ['pin', 'cvv', 'cardNumber', 'pan', 'code', 'apiKey', 'webhookToken', 'authorization']) expect(classOf(f), f).toBe('secret');
    for (const f of [
      'iban',
      'senderIban',
      'documentNumber',
      'pesel',
      'userIdentificationNumber',
      'birthDate',
      'firstName',
      'lastName',
      'email',
      'phone',
      'address',
      'street',
    ])
      expect(classOf(f), f).toBe('personal');
    for (const f of ['amount', 'currency', 'status', 'externalUserId', 'title', 'merchantName']) expect(classOf(f), f).toBe('public');
    expect(fieldsOfClass('secret').length + fieldsOfClass('personal').length + fieldsOfClass('public').length).toBe(FIELD_CLASSIFICATION.length);
  });
});

describe('value detectors', () => {
  it('find Luhn-valid PANs and IBANs inside free text, and leave look-alikes alone', () => {
    expect(detectSensitiveValues('paid with 4539 5787 6362 1486 at noon')).toEqual(['pan']);
    expect(detectSensitiveValues('rent DE89370400440532013000')).toEqual(['iban']);
    expect(detectSensitiveValues('order 4539578763621487')).toEqual([]); // Luhn-invalid
    expect(detectSensitiveValues('id 12345678-1234-1234-1234-123456789012')).toEqual([]);
    expect(maskSensitiveValues('SHOP 4539578763621486 / DE89370400440532013000')).toBe('SHOP 453957******1486 / DE89**************3000');
  });

  it('find e-mail addresses and international phone numbers inside free text (issue 26), and mask each once', () => {
    const title = 'refund someone@example.com DE89370400440532013000 call +48 600 123 456';
    expect(detectSensitiveValues(title).sort()).toEqual(['email', 'iban', 'phone']);
    const masked = maskSensitiveValues(title);
    expect(masked).toBe('refund s***@example.com DE89**************3000 call +*********56');
    expect(maskSensitiveValues(masked)).toBe(masked);
    expect(detectSensitiveValues(masked)).toEqual([]);
    expect(maskSensitiveValues('Shop <j.doe+tag@mail.example.co.uk>')).toBe('Shop <j***@mail.example.co.uk>');
    expect(maskSensitiveValues('tel +1 (212) 555-0100.')).toBe('tel +*********00.');
    // Look-alikes stay: an amount with a sign, a time, a bare id, an at-sign without a domain.
    for (const plain of ['+12.50 eur', 'at 2026-01-01T00:00:00.000Z', 'order 600123456', 'ping @ops', 'a@b']) {
      expect(detectSensitiveValues(plain), plain).toEqual([]);
      expect(maskSensitiveValues(plain)).toBe(plain);
    }
  });
});

describe('rules at rest', () => {
  it('restView drops secrets, masks a PAN 6+4 and personal data, and scans every other string, at any depth', () => {
    const out = restView({
      pin: '1234',
      cvv: '913',
      code: '846201',
      exp: '12/29',
      cardNumber: '5412751234123452',
      firstName: 'Zbigniewa',
      email: 'zb@example.com',
      senderIban: 'PL61109010140000071219812874',
      pesel: '90051512345',
      birthDate: '1990-05-15',
      title: 'for 4539578763621486',
      nested: [{ weird: 'DE89370400440532013000', documentNumber: 'ZX9184736' }],
      amount: '10.00',
    });
    const text = JSON.stringify(out);
    for (const v of [
      '1234',
      '913',
      '846201',
      '12/29',
      '5412751234123452',
      'Zbigniewa',
      'zb@example.com',
      'PL61109010140000071219812874',
      '90051512345',
      '1990-05-15',
      '4539578763621486',
      'DE89370400440532013000',
      'ZX9184736',
    ])
      expect(text, v).not.toContain(v);
    expect(out).toMatchObject({
      cardNumber: '541275******3452',
      firstName: 'Z***',
      email: 'z***@example.com',
      senderIban: 'PL61********************2874',
      amount: '10.00',
    });
    // Masking twice is masking once (stored copies are shown again).
    expect(restView(out)).toEqual(out);
  });

  it('protectWebhookEntity seals personal values and delivered codes, drops other secrets, masks in clear', () => {
    const p = protectWebhookEntity(
      { cardId: 'c1', code: '846201', cvv: '917', cardNumber: '4539578763621486', senderIban: 'DE89370400440532013000', note: 'x DE89370400440532013000' },
      ['code'],
    );
    expect(p.toSeal).toEqual({ code: '846201', senderIban: 'DE89370400440532013000' });
    expect(p.clear).toEqual({ cardId: 'c1', cardNumber: '453957******1486', senderIban: 'DE89**************3000', note: 'x DE89**************3000' });
    expect(p.dropped.sort()).toEqual(['cardNumber', 'cvv']);
    // Without `deliver`, the code is dropped too.
    expect(protectWebhookEntity({ code: '846201' }, []).toSeal).toEqual({});
  });
});

describe('identifier fields at rest (ASSUMPTIONS S6)', () => {
  // 1796701665145 is a Luhn-valid 13-digit run: a millisecond timestamp inside an id looked like a card number,
  // so the inbox stored `jane-179670***5145`, the safe-id rule refused the masked key and the event went DEAD.
  it('keeps a safe id that holds a Luhn-valid number or an e-mail as given, in the rest view and the webhook split', () => {
    const entity = { exchangeId: 'bx-1', externalUserId: 'jane-1796701665145', status: 'COMPLETED' };
    expect(restView(entity)).toEqual(entity);
    expect(protectWebhookEntity(entity, []).clear).toEqual(entity);
    expect(restView({ externalUserId: 'jane@example.com' })).toEqual({ externalUserId: 'jane@example.com' });
  });

  it('still masks a card number that is the whole id, and any PAN outside id fields', () => {
    expect(restView({ externalUserId: '4111111111111111' })).toEqual({ externalUserId: '411111******1111' });
    expect(restView({ externalUserId: '4111 1111 1111 1111' })).not.toEqual({ externalUserId: '4111 1111 1111 1111' });
    expect(restView({ title: 'jane-1796701665145' })).not.toEqual({ title: 'jane-1796701665145' });
    expect((protectWebhookEntity({ externalUserId: '4111111111111111' }, []).clear as { externalUserId: string }).externalUserId).not.toBe('4111111111111111');
  });

  it('keeps nothing unsafe: an id with separators or control characters is scanned like free text', () => {
    expect(restView({ externalUserId: 'x 4111111111111111' })).not.toEqual({ externalUserId: 'x 4111111111111111' });
  });
});
