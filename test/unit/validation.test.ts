import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getOperation } from '../../shared/catalog/index.js';
import { operationHandler } from '../../shared/http/index.js';
import { setP100Client } from '../../shared/p100/index.js';
import type { P100Client, P100Request } from '../../shared/p100/index.js';
import { lambdaContext, v2Event } from '../support/events.js';

/** A P100 client double that records calls: validation failures must make none. */
function recordingClient(answer: unknown = { ok: true }) {
  const calls: P100Request[] = [];
  const c = {
    call: async (r: P100Request) => {
      calls.push(r);
      return { status: 200, body: answer, attempts: 1 };
    },
  } as unknown as P100Client;
  return { calls, c };
}

type Res = { statusCode: number; headers: Record<string, string>; body: string };

describe('request validation (before any upstream call)', () => {
  let rec: ReturnType<typeof recordingClient>;
  beforeEach(() => {
    process.env.P100_API_KEY_SECRET_ID = '';
    rec = recordingClient({ userId: 'u-1' });
    setP100Client(rec.c);
  });
  afterEach(() => setP100Client(undefined));

  const createUser = operationHandler(getOperation('createUser'));
  const getUserBalances = operationHandler(getOperation('getUserBalances'));
  const createPartnerExchange = operationHandler(getOperation('createPartnerExchange'));

  it('lists every bad field in one 400 problem+json and calls nothing upstream', async () => {
    const res = (await createUser(
      v2Event({ method: 'POST', path: '/users', body: { externalUserId: 'bad id/x', email: 'not-an-email', citizenship: 'pl', surprise: 1 } }),
      lambdaContext(),
    )) as Res;
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ status: 400, title: 'Request validation failed', requestId: 'req-test-1' });
    const fields = body.errors.map((e: { in: string; field: string }) => `${e.in}:${e.field}`).sort();
    expect(fields).toEqual(['body:citizenship', 'body:email', 'body:externalUserId', 'body:surprise']);
    expect(rec.calls).toHaveLength(0);
  });

  it('rejects malformed JSON, a wrong content type and invalid UTF-8 with 4xx problems', async () => {
    const malformed = (await createUser(v2Event({ method: 'POST', path: '/users', rawBody: '{"externalUserId":' }), lambdaContext())) as Res;
    expect(malformed.statusCode).toBe(400);
    expect(JSON.parse(malformed.body).detail).toMatch(/not valid JSON/);
    const wrongType = (await createUser(
      v2Event({ method: 'POST', path: '/users', rawBody: 'a=b', headers: { 'content-type': 'text/plain' } }),
      lambdaContext(),
    )) as Res;
    expect(wrongType.statusCode).toBe(415);
    const badUtf8 = (await createUser(
      v2Event({ method: 'POST', path: '/users', rawBody: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64'), isBase64Encoded: true }),
      lambdaContext(),
    )) as Res;
    expect(badUtf8.statusCode).toBe(400);
    expect(JSON.parse(badUtf8.body).detail).toMatch(/UTF-8/);
    // The same bytes after a lenient decode upstream of us (U+FFFD in their place) are refused too.
    const replaced = (await createUser(
      v2Event({ method: 'POST', path: '/users', rawBody: '{"externalUserId":"u-1","citizenship":"PL","firstName":"J\uFFFDn"}' }),
      lambdaContext(),
    )) as Res;
    expect(replaced.statusCode).toBe(400);
    expect(rec.calls).toHaveLength(0);
  });

  it('validates path parameters and unknown query parameters', async () => {
    const res = (await getUserBalances(
      v2Event({ path: '/users/x/balances', pathParameters: { externalUserId: '../etc' }, query: { debug: '1' } }),
      lambdaContext(),
    )) as Res;
    expect(res.statusCode).toBe(400);
    const fields = JSON.parse(res.body)
      .errors.map((e: { in: string; field: string }) => `${e.in}:${e.field}`)
      .sort();
    expect(fields).toEqual(['path:externalUserId', 'query:debug']);
    expect(rec.calls).toHaveLength(0);
  });

  it('requires an Idempotency-Key on money operations and rejects float amounts', async () => {
    const res = (await createPartnerExchange(
      v2Event({ method: 'POST', path: '/partner/exchanges', body: { amount: 10.5, currencyFrom: 'eth', currencyTo: 'eth', lockId: 'l-1' } }),
      lambdaContext(),
    )) as Res;
    expect(res.statusCode).toBe(400);
    const fields = JSON.parse(res.body)
      .errors.map((e: { in: string; field: string }) => `${e.in}:${e.field}`)
      .sort();
    expect(fields).toEqual(['body:amount', 'header:Idempotency-Key']);
    const same = (await createPartnerExchange(
      v2Event({
        method: 'POST',
        path: '/partner/exchanges',
        headers: { 'idempotency-key': 'key-12345678' },
        body: { amount: '10.5', currencyFrom: 'eth', currencyTo: 'ETH', lockId: 'l-1' },
      }),
      lambdaContext(),
    )) as Res;
    expect(same.statusCode).toBe(400);
    expect(JSON.parse(same.body).errors).toEqual([{ in: 'body', field: 'currencyTo', message: 'currencyTo must differ from currencyFrom' }]);
    expect(rec.calls).toHaveLength(0);
  });

  it('answers 400, not 500, when a field fails and an object-level refinement looks at it (card limits)', async () => {
    const updateCardLimits = operationHandler(getOperation('updateCardLimits'));
    const limits = {
      monthlyTrxAll: '<script>',
      dailyTrxAll: '100.00',
      monthlyTrxAtm: '500',
      dailyTrxAtm: "' OR 1=1 --",
      monthlyTrxEcom: '900',
      dailyTrxEcom: '950',
    };
    const res = (await updateCardLimits(
      v2Event({ method: 'PUT', path: '/users/u-1/cards/c-1/limits', pathParameters: { externalUserId: 'u-1', cardId: 'c-1' }, body: limits }),
      lambdaContext(),
    )) as Res;
    expect(res.statusCode).toBe(400);
    const fields = JSON.parse(res.body)
      .errors.map((e: { field: string }) => e.field)
      .sort();
    // The two malformed limits, and the one valid pair whose daily exceeds its monthly (the refinement still runs for it).
    expect(fields).toEqual(['dailyTrxAtm', 'dailyTrxEcom', 'monthlyTrxAll']);
    expect(rec.calls).toHaveLength(0);
  });

  it('passes a valid request upstream with the path filled and the id echoed in x-request-id', async () => {
    const res = (await getUserBalances(
      v2Event({ path: '/users/u-1/balances', pathParameters: { externalUserId: 'u-1' }, headers: { 'x-request-id': 'abc-123' } }),
      lambdaContext(),
    )) as Res;
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(rec.calls).toHaveLength(1);
    expect(rec.calls[0]).toMatchObject({ method: 'GET', path: '/v1/user/balances/u-1', kind: 'read' });
  });

  it('applies upstream path overrides from configuration without a code change', async () => {
    process.env.P100_UPSTREAM_OVERRIDES = JSON.stringify({ getUserBalances: { path: '/v1/user/{externalUserId}/balances' } });
    try {
      await getUserBalances(v2Event({ path: '/users/u-2/balances', pathParameters: { externalUserId: 'u-2' } }), lambdaContext());
      expect(rec.calls[0]?.path).toBe('/v1/user/u-2/balances');
    } finally {
      delete process.env.P100_UPSTREAM_OVERRIDES;
    }
  });
});
