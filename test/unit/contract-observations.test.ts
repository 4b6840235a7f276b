import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getOperation, operations } from '../../shared/catalog/index.js';
import { operationHandler } from '../../shared/http/index.js';
import { setP100Client } from '../../shared/p100/index.js';
import type { P100Client, P100Request } from '../../shared/p100/index.js';
import { fillPath } from '../../shared/p100/upstream.js';
import { RouteTable, type LocalRoute } from '../../local/gateway/routes.js';
import { lambdaContext, v2Event } from '../support/events.js';

/**
 * Issue 13's observations, one test each: bad input that reached P100 (impossible dates, amounts beyond a
 * currency's precision or range, dot segments as ids), and strict bodies (null, duplicate keys, e-mail).
 * Every case must end in a 4xx problem+json before any upstream call.
 */

type Res = { statusCode: number; headers: Record<string, string>; body: string };

function recordingClient() {
  const calls: P100Request[] = [];
  const c = {
    call: async (r: P100Request) => {
      calls.push(r);
      return { status: 200, body: { userId: 'u-1', lockId: 'l-1', rate: '1' }, attempts: 1 };
    },
  } as unknown as P100Client;
  return { calls, c };
}

let rec: ReturnType<typeof recordingClient>;
beforeEach(() => {
  process.env.P100_API_KEY_SECRET_ID = '';
  rec = recordingClient();
  setP100Client(rec.c);
});
afterEach(() => setP100Client(undefined));

async function call(operationId: string, o: Parameters<typeof v2Event>[0]): Promise<Res> {
  return (await operationHandler(getOperation(operationId))(v2Event({ method: getOperation(operationId).route.method, ...o }), lambdaContext())) as Res;
}

function expectRefused(res: Res, field?: string): void {
  expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, res.body).toBeLessThan(500);
  expect(res.headers['content-type']).toBe('application/problem+json');
  if (field !== undefined) expect((JSON.parse(res.body) as { errors?: { field: string }[] }).errors?.map((e) => e.field)).toContain(field);
  expect(rec.calls).toHaveLength(0);
}

const KEY = { 'idempotency-key': 'key-12345678' };
const user = { externalUserId: 'u-1' };

describe('impossible calendar dates are refused', () => {
  it.each(['1990-02-30', '1990-14-01', '1990-00-10', '1991-02-29'])('birthDate %s (create user without KYC and with KYC)', async (birthDate) => {
    expectRefused(await call('createUserWithoutKyc', { body: { externalUserId: 'u-1', birthDate } }), 'birthDate');
    expectRefused(await call('createUser', { body: { externalUserId: 'u-1', citizenship: 'PL', birthDate } }), 'birthDate');
  });

  it('documentExpiryDate 2030-02-30', async () => {
    const body = { documentType: 'PASSPORT', documentNumber: 'AB123', documentExpiryDate: '2030-02-30', documentIssuingCountry: 'PL' };
    expectRefused(await call('addUserVerification', { pathParameters: user, body }), 'documentExpiryDate');
  });

  it('a real leap day passes', async () => {
    const res = await call('createUserWithoutKyc', { body: { externalUserId: 'u-1', birthDate: '1992-02-29' } });
    expect(res.statusCode, res.body).toBe(201);
  });
});

describe('amounts beyond a currency precision or range are refused', () => {
  it.each([
    ['10.001', 'eur'],
    ['0.000000000000000001', 'eur'],
    ['100000000000000000000', 'eur'],
    ['0.000000001', 'btc'],
    ['0', 'eur'],
  ])('transfer of %s %s', async (amount, currency) => {
    expectRefused(await call('createTransfer', { pathParameters: user, headers: KEY, body: { direction: 'FUNDING', amount, currency } }), 'amount');
  });

  it('an exchange lock of 5.001 eur', async () => {
    expectRefused(await call('createExchangeLock', { pathParameters: user, body: { currencyFrom: 'eur', currencyTo: 'btc', amount: '5.001' } }), 'amount');
    expectRefused(await call('createPartnerExchangeLock', { body: { currencyFrom: 'EUR', currencyTo: 'btc', amount: '5.001' } }), 'amount');
  });

  it('the same amount with a precision the currency has passes', async () => {
    const res = await call('createExchangeLock', { pathParameters: user, body: { currencyFrom: 'btc', currencyTo: 'eur', amount: '5.001' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(rec.calls).toHaveLength(1);
  });
});

/** Every operation with a P100 id in its path: the id is copied into the P100 path. */
const idRoutes = operations.flatMap((op) => {
  const names = [...op.route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').filter((n) => n !== 'externalUserId');
  return names.map((name) => ({ op, name }));
});

describe('ids never change an upstream path', () => {
  const BAD = ['.', '..', '../x', 'a/b', 'a\\b', '%2E%2E', 'a%2Fb', 'a%5Cb', 'a\u0000b', 'a\nb', ''];

  it('covers the operations with P100 ids in their path', () => {
    expect(idRoutes.map((r) => r.op.operationId)).toEqual(expect.arrayContaining(['getTransfer', 'updateTravelRule', 'getExchange', 'getCard']));
  });

  it.each(idRoutes.map((r) => [r.op.operationId, r.name] as const))(
    '%s refuses dot segments, separators and control characters in {%s}',
    async (operationId, name) => {
      const op = getOperation(operationId);
      const others = Object.fromEntries([...op.route.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1] ?? '', m[1] === 'externalUserId' ? 'u-1' : 'ok-1']));
      for (const bad of BAD) {
        const body = op.request.body ? (operationId === 'updateTravelRule' ? { walletType: 'CUSTODIAL', details: { firstName: 'A' } } : {}) : undefined;
        expectRefused(await call(operationId, { pathParameters: { ...others, [name]: bad }, body, headers: KEY }), name);
      }
    },
  );

  it('GET /transfers/%2E%2E and PUT /crypto-deposits/%2E%2E/travel-rule through the local route table never reach P100', async () => {
    const routes: LocalRoute[] = operations.map((op) => ({ method: op.route.method, path: op.route.path, load: async () => operationHandler(op) as never }));
    const table = new RouteTable(routes);
    for (const [method, path, id] of [
      ['GET', '/transfers/%2E%2E', 'getTransfer'],
      ['GET', '/transfers/.', 'getTransfer'],
      ['PUT', '/crypto-deposits/%2E%2E/travel-rule', 'updateTravelRule'],
      ['GET', '/exchanges/%2e', 'getExchange'],
    ] as const) {
      const m = table.match(method, path);
      expect(m.route, path).toBeDefined();
      const res = await call(id, {
        path,
        pathParameters: m.route ? m.pathParameters : {},
        body: method === 'PUT' ? { walletType: 'CUSTODIAL', details: { firstName: 'A' } } : undefined,
      });
      expectRefused(res);
    }
  });

  it('fillPath refuses to build anything but the template shape, for every catalog upstream path', () => {
    const BAD_VALUES = ['.', '..', '', 'a/b', 'a\\b', '%2F', 'a%2e', 'a\u0000', 'a?b', 'a#b'];
    let checked = 0;
    for (const op of operations) {
      if (!op.upstream) continue;
      const template = op.upstream.path;
      const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
      const good = Object.fromEntries(names.map((n) => [n, `v-${n}`]));
      const filled = fillPath(template, good);
      expect(filled.split('/').length, op.operationId).toBe(template.split('/').length);
      for (const name of names) {
        for (const bad of BAD_VALUES) {
          expect(() => fillPath(template, { ...good, [name]: bad }), `${op.operationId} {${name}} = ${JSON.stringify(bad)}`).toThrow();
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});

describe('strict bodies', () => {
  it('a null body on POST /operations/inbox/replay-dlq is refused with 400', async () => {
    const res = await call('replayDeadInboxEvents', { rawBody: 'null', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expectRefused(res);
  });

  it('a missing body where one is required is refused with 400', async () => {
    const res = await call('replayDeadInboxEvents', {});
    expect(res.statusCode).toBe(400);
    const lock = await call('createExchangeLock', { pathParameters: user, rawBody: 'null', headers: { 'content-type': 'application/json' } });
    expect(lock.statusCode).toBe(400);
    expectRefused(lock);
  });

  it('duplicate JSON keys are refused with a 400 naming the key, at any depth', async () => {
    const res = await call('createExchangeLock', {
      pathParameters: user,
      rawBody: '{"currencyFrom":"eur","currencyTo":"btc","amount":"1.00","amount":"90.00"}',
    });
    expect(res.statusCode).toBe(400);
    expectRefused(res, 'amount');
    expect(JSON.parse(res.body).detail).toMatch(/amount/);
    const nested = await call('updateTravelRule', {
      pathParameters: { cryptoDepositId: 'd-1' },
      rawBody: '{"walletType":"CUSTODIAL","details":{"firstName":"A","firstName":"B"}}',
    });
    expectRefused(nested, 'details.firstName');
    // The same key in two sibling objects is not a duplicate.
    const siblings = await call('updateTravelRule', {
      pathParameters: { cryptoDepositId: 'd-1' },
      rawBody: '{"walletType":"CUSTODIAL","details":{"firstName":"A"},"externalUserId":"firstName"}',
    });
    expect(siblings.statusCode, siblings.body).toBe(200);
  });

  it('POST /users/without-kyc no longer exists: no route collides with /users/{externalUserId}, and the old path reaches nothing', () => {
    const table = new RouteTable(operations.map((op) => ({ method: op.route.method, path: op.route.path, load: async () => operationHandler(op) as never })));
    const old = table.match('POST', '/users/without-kyc');
    expect(old.route).toBeUndefined();
    expect(table.match('POST', '/users-without-kyc').route?.path).toBe('/users-without-kyc');
    // DELETE /users/without-kyc now means one thing only: delete the user whose externalUserId is "without-kyc".
    expect(table.match('DELETE', '/users/without-kyc').route?.path).toBe('/users/{externalUserId}');
    expect(getOperation('createUserWithoutKyc').route).toEqual({ method: 'POST', path: '/users-without-kyc' });
  });

  it('a@b-.example.com is not an e-mail address', async () => {
    for (const email of ['a@b-.example.com', 'a@-b.example.com', 'a@example', 'a@b..example.com']) {
      expectRefused(await call('createUser', { body: { externalUserId: 'u-1', citizenship: 'PL', email } }), 'email');
    }
    const ok = await call('createUser', { body: { externalUserId: 'u-1', citizenship: 'PL', email: 'first.last+tag@mail.example.co.uk' } });
    expect(ok.statusCode, ok.body).toBe(201);
  });
});
