import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineOperation } from '../../shared/catalog/types.js';
import { operationHandler } from '../../shared/http/index.js';
import { setP100Client } from '../../shared/p100/index.js';
import { logger, maskPan, redactDeep, registerSecretValue } from '../../shared/log/index.js';
import { P100BusinessError, P100OutcomeUnknownError, type P100Client } from '../../shared/p100/index.js';
import { captureOutput, lambdaContext, v2Event } from '../support/events.js';

/** Every sensitive value a request or an upstream answer may carry. None may reach a log or an error body. */
const SECRETS = {
  apiKey: 'sk_live_9f8e7d6c5b4a3210',
  webhookToken: 'whk_0a1b2c3d4e5f6789',
  pan: '5412751234123452',
  panSpaced: '5412 7512 3412 3452',
  pin: '4821',
  cvv: '913',
  iban: 'PL61109010140000071219812874',
  documentNumber: 'CEV126309',
  pesel: '90051512345',
  fileContent: 'JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI',
};

const op = defineOperation({
  operationId: 'redactionProbe',
  area: 'cards',
  summary: 'test only',
  route: { method: 'POST', path: '/probe' },
  upstream: { method: 'POST', path: '/v1/probe' },
  kind: 'write',
  confidence: 'L',
  request: { body: z.looseObject({}) },
  response: z.looseObject({}),
  redact: ['label'],
});

/**
 * Short numeric secrets (a 3-digit CVV, a 4-digit PIN) can occur by chance inside values the logger itself
 * generates (timestamps, durations, ids); those are removed before searching, nothing else is.
 */
function withoutGeneratedNumbers(output: string): string {
  return output
    .replace(/"timestamp":"[^"]*"/g, '')
    .replace(/"durationMs":\d+/g, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '');
}

function client(behaviour: (body: unknown) => unknown): P100Client {
  return { call: async (r: { json?: unknown }) => behaviour(r.json) } as unknown as P100Client;
}

afterEach(() => setP100Client(undefined));

describe('redaction', () => {
  registerSecretValue(SECRETS.apiKey);
  registerSecretValue(SECRETS.webhookToken);
  const handler = operationHandler(op);
  const requestBody = {
    cardNumber: SECRETS.pan,
    pin: SECRETS.pin,
    cvv: SECRETS.cvv,
    destinationIban: SECRETS.iban,
    documentNumber: SECRETS.documentNumber,
    pesel: SECRETS.pesel,
    files: [SECRETS.fileContent],
    note: `free text with ${SECRETS.panSpaced} and ${SECRETS.iban} and ${SECRETS.apiKey}`,
  };

  const scenarios: [string, (body: unknown) => unknown][] = [
    [
      'an upstream refusal that echoes the request',
      () => {
        throw new P100BusinessError(400, 'P403', 'validation-error', `bad ${SECRETS.iban} ${SECRETS.pan} key=${SECRETS.apiKey}`);
      },
    ],
    [
      'an ambiguous failure',
      () => {
        throw new P100OutcomeUnknownError('network', 1, `reset while sending ${SECRETS.pan}`);
      },
    ],
    [
      'an internal error carrying secrets in its message',
      () => {
        throw new Error(`boom ${SECRETS.apiKey} ${SECRETS.webhookToken} ${SECRETS.pan} ${SECRETS.iban}`);
      },
    ],
    ['a success whose answer carries card data', () => ({ status: 200, attempts: 1, body: { cardNumber: SECRETS.pan, cvv: SECRETS.cvv, exp: '12/28' } })],
  ];

  for (const [name, behaviour] of scenarios) {
    it(`keeps every sensitive value out of logs and problem bodies: ${name}`, async () => {
      setP100Client(client(behaviour));
      const { result, output } = await captureOutput(async () => {
        const res = (await handler(v2Event({ method: 'POST', path: '/probe', body: requestBody }), lambdaContext())) as { statusCode: number; body: string };
        // Logging the whole request the way a careless call site might: the logger must still redact.
        logger.info('debug dump', { request: requestBody, headers: { 'x-api-key': SECRETS.apiKey, authorization: `Bearer ${SECRETS.webhookToken}` } });
        return res;
      });
      expect(output.length).toBeGreaterThan(0);
      for (const [k, v] of Object.entries(SECRETS)) {
        expect(withoutGeneratedNumbers(output), `log leaks ${k}`).not.toContain(v);
        if (result.statusCode >= 400) expect(result.body, `problem body leaks ${k}`).not.toContain(v);
      }
      expect(output).toContain('[REDACTED]');
    });
  }

  it('redactDeep scrubs keys and values at any depth', () => {
    const out = JSON.stringify(redactDeep({ a: { b: [{ iban: 'x', text: `pay ${SECRETS.iban}` }] }, authorization: 'Bearer z', pin: 1234 }));
    expect(out).not.toContain(SECRETS.iban);
    expect(out).not.toContain('Bearer z');
    expect(out).not.toContain('1234');
  });

  it('leaves ids and timestamps alone: UUIDs with leading digits, epoch ms, non-Luhn digit runs', () => {
    const id = '12345678-1234-4234-8234-123456789012';
    expect(redactDeep({ requestId: id, at: 'epoch 1732400000000', ref: 'order 1234567890123' })).toEqual({
      requestId: id,
      at: 'epoch 1732400000000',
      ref: 'order 1234567890123',
    });
    expect(redactDeep({ note: `uuid ${id} then card ${SECRETS.pan}` })).toEqual({ note: `uuid ${id} then card [REDACTED]` });
  });

  it('masks card numbers to first 6 and last 4', () => {
    expect(maskPan(SECRETS.panSpaced)).toBe('541275******3452');
    expect(maskPan('123')).toBe('[REDACTED]');
  });
});
