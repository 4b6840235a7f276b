import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { entryFileOf, getOperation, operations, type Operation } from '../../shared/catalog/index.js';
import { callUpstream, type OperationContext } from '../../shared/http/index.js';
import type { P100Client, P100Request } from '../../shared/p100/index.js';
import { lambdaContext } from '../support/events.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/**
 * The operationIds of ARCHITECTURE.md's table (the "operationIds" section), area by area. The document lives
 * outside this repository, so the table is copied here; a change there must be made here too.
 */
const ARCHITECTURE_TABLE: Record<string, readonly string[]> = {
  partner: [
    'getPartnerBalances',
    'getPartnerTransactions',
    'createPartnerExchangeLock',
    'createPartnerExchange',
    'createPartnerCryptoWithdrawal',
    'createPartnerSepaTransfer',
    'getPartnerSepaTransfer',
    'getPartnerSepaDepositInfo',
  ],
  users: [
    'createUser',
    'createUserWithoutKyc',
    'addKycFile',
    'addPoaFile',
    'addUserVerification',
    'extendUser',
    'updateUser',
    'deleteUser',
    'suspendUser',
    'unsuspendUser',
    'getUserBalances',
    'getUserTransactions',
    'createUploadUrl',
  ],
  kyc: ['createKycVerification', 'getKycVerificationRedirect', 'getKycStatus'],
  exchange: ['getExchangeRate', 'createExchangeLock', 'createExchange', 'getExchange'],
  crypto: ['updateTravelRule', 'getNetworkFee', 'createCryptoWithdrawal', 'getCryptoWithdrawal'],
  transfers: ['createTransfer', 'getTransfer'],
  cards: ['createCard', 'listUserCards', 'getCard', 'updateCardPin', 'blockCard', 'unblockCard', 'getCardLimits', 'updateCardLimits', 'deleteCard'],
  sepa: ['getUserSepaDepositInfo', 'createSepaTransfer', 'getSepaTransfer'],
  operations: ['getReconciliationReport', 'startReconciliation', 'listInboxEvents', 'replayInboxEvent'],
};

/** Added by other parts of the work (documents, the operations area); checked only when present. */
const ELSEWHERE = new Set(['addKycFile', 'addPoaFile', 'createUploadUrl', ...(ARCHITECTURE_TABLE['operations'] ?? [])]);
const REQUIRED = Object.values(ARCHITECTURE_TABLE)
  .flat()
  .filter((id) => !ELSEWHERE.has(id));

/** The money operations of the task: every one of them moves funds or issues a card. */
const MONEY = [
  'createPartnerExchange',
  'createExchange',
  'createCryptoWithdrawal',
  'createPartnerCryptoWithdrawal',
  'createTransfer',
  'createSepaTransfer',
  'createPartnerSepaTransfer',
  'createCard',
];

const segments = (path: string) => path.split('/').filter(Boolean);
const isParam = (seg: string) => /^\{[A-Za-z0-9_]+\}$/.test(seg);

/**
 * Two routes that API Gateway rejects together: at the first position where both have a path parameter
 * and every earlier segment is the same literal (or a parameter in both), the names differ.
 * `/users/{externalUserId}/cards` with `/users/{id}` is such a pair, whatever the methods.
 */
function parameterNameConflict(a: string, b: string): string | undefined {
  const sa = segments(a);
  const sb = segments(b);
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const x = sa[i] ?? '';
    const y = sb[i] ?? '';
    if (isParam(x) && isParam(y)) {
      if (x !== y) return `${a} and ${b}: ${x} vs ${y} at position ${i}`;
      continue;
    }
    if (x !== y) return undefined;
  }
  return undefined;
}

/**
 * Two different route templates collide when some concrete path matches both: same number of segments and,
 * at every position, equal literals or a parameter on either side. Then one path means two operations
 * (DELETE /users/without-kyc reached deleteUser, issue 13), whatever the methods.
 */
function templatesCollide(a: string, b: string): boolean {
  const sa = segments(a);
  const sb = segments(b);
  if (a === b || sa.length !== sb.length) return false;
  return sa.every((x, i) => x === sb[i] || isParam(x) || isParam(sb[i] ?? ''));
}

describe('catalog as data', () => {
  it('has every operationId of the architecture table (except documents and the operations area)', () => {
    const ids = new Set(operations.map((o) => o.operationId));
    expect(REQUIRED.filter((id) => !ids.has(id))).toEqual([]);
    expect(REQUIRED).toHaveLength(43);
  });

  it('puts each operation in the area the table gives it (the operations area may add operator routes)', () => {
    for (const op of operations) {
      const area = Object.entries(ARCHITECTURE_TABLE).find(([, ids]) => ids.includes(op.operationId))?.[0];
      if (op.area === 'operations' && area === undefined) continue;
      expect(area, `${op.operationId} is not in the architecture table`).toBeDefined();
      // Document operations are grouped under users in the table; the catalog may keep them apart.
      if (!ELSEWHERE.has(op.operationId)) expect(op.area, op.operationId).toBe(area);
    }
  });

  it('has an entry file for every operation', () => {
    const missing = operations.map((op) => entryFileOf(op)).filter((f) => !existsSync(resolve(repoRoot, f)));
    expect(missing).toEqual([]);
  });

  it('has unique routes (method + path)', () => {
    const seen = new Map<string, string>();
    const dupes: string[] = [];
    for (const op of operations) {
      const key = `${op.route.method} ${op.route.path}`;
      const prev = seen.get(key);
      if (prev) dupes.push(`${key}: ${prev} and ${op.operationId}`);
      seen.set(key, op.operationId);
    }
    expect(dupes).toEqual([]);
  });

  it('has no two routes whose parameters differ only by name at the same position', () => {
    const conflicts: string[] = [];
    const paths = [...new Set(operations.map((o) => o.route.path))];
    for (let i = 0; i < paths.length; i++) {
      for (let j = i + 1; j < paths.length; j++) {
        const c = parameterNameConflict(paths[i] ?? '', paths[j] ?? '');
        if (c) conflicts.push(c);
      }
    }
    expect(conflicts).toEqual([]);
  });

  it('has no two route templates that can match the same path (a literal segment against a parameter)', () => {
    const paths = [...new Set(operations.map((o) => o.route.path))];
    const collisions: string[] = [];
    for (let i = 0; i < paths.length; i++)
      for (let j = i + 1; j < paths.length; j++) if (templatesCollide(paths[i] ?? '', paths[j] ?? '')) collisions.push(`${paths[i]} / ${paths[j]}`);
    expect(collisions).toEqual([]);
  });

  it('the collision check itself catches /users/without-kyc beside /users/{externalUserId}', () => {
    expect(templatesCollide('/users/without-kyc', '/users/{externalUserId}')).toBe(true);
    expect(templatesCollide('/users/{externalUserId}/cards/{cardId}', '/users/{externalUserId}/cards/limits')).toBe(true);
    expect(templatesCollide('/users-without-kyc', '/users/{externalUserId}')).toBe(false);
    expect(templatesCollide('/users/{externalUserId}/cards', '/users/{externalUserId}/balances')).toBe(false);
  });

  it('the conflict check itself catches a renamed parameter', () => {
    expect(parameterNameConflict('/users/{externalUserId}/cards', '/users/{id}')).toBeDefined();
    expect(parameterNameConflict('/users/{externalUserId}/cards', '/users/without-kyc')).toBeUndefined();
    expect(parameterNameConflict('/exchanges/{exchangeId}', '/transfers/{transferId}')).toBeUndefined();
  });

  it('gives every route parameter a params schema field, and the upstream path only parameters it can fill', () => {
    for (const op of operations) {
      const names = segments(op.route.path)
        .filter(isParam)
        .map((s) => s.slice(1, -1));
      if (names.length === 0) continue;
      const schema = op.request.params;
      expect(schema, `${op.operationId} has path parameters but no params schema`).toBeDefined();
      // Every params schema of the catalog is a zod object: its keys are exactly the route's parameters.
      const shape = schema && 'shape' in schema ? (schema.shape as Record<string, unknown>) : {};
      expect(Object.keys(shape).sort(), op.operationId).toEqual([...names].sort());
      for (const up of segments(op.upstream?.path ?? '').filter(isParam)) {
        expect(names, `${op.operationId}: upstream ${up} is not a route parameter`).toContain(up.slice(1, -1));
      }
    }
  });

  it('marks exactly the money operations as money, and gives each a ledger mapping', () => {
    const money = operations
      .filter((o) => o.kind === 'money')
      .map((o) => o.operationId)
      .sort();
    expect(money).toEqual([...MONEY].sort());
    for (const op of operations.filter((o) => o.kind === 'money')) {
      expect(op.ledger, op.operationId).toBeDefined();
      expect(op.ledger?.idField, op.operationId).toMatch(/Id$/);
      for (const p of [op.ledger?.externalUserId, op.ledger?.amount, op.ledger?.currency]) {
        if (p !== undefined) expect(p, op.operationId).toMatch(/^(params|body|query)\.[A-Za-z]+$/);
      }
      // A user-scoped money route records the user; a partner one has none.
      const userScoped = op.route.path.includes('{externalUserId}');
      expect(op.ledger?.externalUserId, op.operationId).toBe(userScoped ? 'params.externalUserId' : undefined);
    }
  });

  it('uses read for GET routes only, and every upstream path starts with /v1/', () => {
    for (const op of operations) {
      expect(op.kind === 'read', op.operationId).toBe(op.route.method === 'GET');
      if (op.upstream) expect(op.upstream.path, op.operationId).toMatch(/^\/v1\//);
    }
  });

  it('cites an ASSUMPTIONS line for every upstream contract that is not a docs example', () => {
    for (const op of operations) {
      if (!op.upstream || op.confidence === 'H' || op.confidence === 'local') continue;
      expect(op.upstream.assumption, op.operationId).toBeTruthy();
    }
  });

  it('redacts card secrets, IBANs and document numbers wherever they travel', () => {
    const mustRedact: Record<string, string[]> = {
      createCard: ['cardNumber', 'cvv', 'pin'],
      getCard: ['cardNumber', 'cvv'],
      updateCardPin: ['pin'],
      createSepaTransfer: ['destinationIban'],
      createPartnerSepaTransfer: ['destinationIban'],
      getSepaTransfer: ['destinationIban', 'documentNumber'],
      getPartnerSepaTransfer: ['destinationIban'],
      getUserSepaDepositInfo: ['iban'],
      getPartnerSepaDepositInfo: ['iban'],
      addUserVerification: ['documentNumber'],
      createUserWithoutKyc: ['documentNumber', 'pesel'],
    };
    for (const [id, fields] of Object.entries(mustRedact)) expect(getOperation(id).redact, id).toEqual(expect.arrayContaining(fields));
  });
});

/** Runs the catalog's default implementation with a recording client: the exact P100 request, no network. */
async function upstreamRequest(
  op: Operation,
  input: { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown },
): Promise<P100Request> {
  const calls: P100Request[] = [];
  const client = {
    call: async (r: P100Request) => {
      calls.push(r);
      return { status: 200, body: {}, attempts: 1 };
    },
  } as unknown as P100Client;
  const ctx: OperationContext = {
    op,
    requestId: 'r',
    deadline: Date.now() + 5_000,
    client: () => client,
    headers: {},
    operator: 'test',
    lambda: lambdaContext(),
  };
  // The answer `{}` may not fit the response schema (a read then fails with 502): only the request matters here.
  await callUpstream({ params: input.params ?? {}, query: input.query ?? {}, body: input.body }, ctx).catch(() => undefined);
  expect(calls).toHaveLength(1);
  return calls[0] as P100Request;
}

/** Validates a request body with the entry's schema, as the handler would, and returns the parsed value. */
function parsed(id: string, part: 'body' | 'query', value: unknown): unknown {
  const schema = getOperation(id).request[part];
  if (!schema) throw new Error(`${id} has no ${part} schema`);
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${id}: ${JSON.stringify(r.error.issues)}`);
  return r.data;
}

describe('upstream request shaping (ASSUMPTIONS table B)', () => {
  const user = { externalUserId: 'user-1' };
  const card = { externalUserId: 'user-1', cardId: 'card-9' };

  it('puts the path user into P100 bodies under the name P100 wants', async () => {
    const w = await upstreamRequest(getOperation('createCryptoWithdrawal'), {
      params: user,
      body: parsed('createCryptoWithdrawal', 'body', {
        currency: 'USDC',
        amount: '20',
        network: 'POLYGON',
        walletAddress: '0xabcdef0123456789abcdef',
        name: 'Jane',
        walletType: 'OTHER',
        receiverType: 'NATURAL',
      }),
    });
    expect(w).toMatchObject({ method: 'POST', path: '/v1/crypto-withdrawal', kind: 'money' });
    expect(w.json).toEqual({
      sourceExternalUserId: 'user-1',
      currency: 'usdc',
      amount: '20',
      network: 'polygon',
      walletAddress: '0xabcdef0123456789abcdef',
      name: 'Jane',
      walletType: 'OTHER',
      receiverType: 'NATURAL',
    });

    const s = await upstreamRequest(getOperation('createSepaTransfer'), {
      params: user,
      body: parsed('createSepaTransfer', 'body', { amount: '10.00', currency: 'EUR', destinationIban: 'lt12 1000 0111 0100 1000', transferTitle: 'Payout' }),
    });
    expect(s).toMatchObject({ method: 'POST', path: '/v1/sepa-transfer' });
    expect(s.json).toEqual({
      sourceExternalUserId: 'user-1',
      amount: '10.00',
      currency: 'eur',
      destinationIban: 'LT121000011101001000',
      transferTitle: 'Payout',
    });

    const e = await upstreamRequest(getOperation('createExchange'), {
      params: user,
      body: parsed('createExchange', 'body', { amount: '1', currencyFrom: 'eth', currencyTo: 'eur', lockId: 'lock-1' }),
    });
    expect(e).toMatchObject({ method: 'POST', path: '/v1/exchange' });
    expect(e.json).toEqual({ externalUserId: 'user-1', amount: '1', currencyFrom: 'eth', currencyTo: 'eur', lockId: 'lock-1' });

    const v = await upstreamRequest(getOperation('addUserVerification'), {
      params: user,
      body: parsed('addUserVerification', 'body', {
        documentType: 'PASSPORT',
        documentNumber: 'X1',
        documentExpiryDate: '2031-01-01',
        documentIssuingCountry: 'PL',
      }),
    });
    expect(v).toMatchObject({ method: 'POST', path: '/v1/user/verification' });
    expect(v.json).toMatchObject({ externalUserId: 'user-1', documentType: 'PASSPORT' });

    for (const [id, path] of [
      ['extendUser', '/v1/user/balances/extended'],
      ['createKycVerification', '/v1/kyc'],
    ] as const) {
      const r = await upstreamRequest(getOperation(id), { params: user });
      expect(r).toMatchObject({ method: 'POST', path, json: { externalUserId: 'user-1' } });
    }
  });

  it('maps a transfer direction to the one user field P100 reads', async () => {
    const funding = await upstreamRequest(getOperation('createTransfer'), {
      params: user,
      body: parsed('createTransfer', 'body', { direction: 'FUNDING', amount: '5', currency: 'eur' }),
    });
    expect(funding).toMatchObject({ method: 'POST', path: '/v1/transfer' });
    expect(funding.json).toEqual({ destinationExternalUserId: 'user-1', amount: '5', currency: 'eur' });
    const collection = await upstreamRequest(getOperation('createTransfer'), {
      params: user,
      body: parsed('createTransfer', 'body', { direction: 'COLLECTION', amount: '5', currency: 'BTC' }),
    });
    expect(collection.json).toEqual({ sourceExternalUserId: 'user-1', amount: '5', currency: 'btc' });
  });

  it('sends lock requests as GET query strings, the user lock with its user', async () => {
    const r = await upstreamRequest(getOperation('createExchangeLock'), {
      params: user,
      body: parsed('createExchangeLock', 'body', { currencyFrom: 'EUR', currencyTo: 'btc', amount: '100' }),
    });
    expect(r).toMatchObject({ method: 'GET', path: '/v1/exchange/lock', json: undefined });
    expect(r.query).toEqual({ externalUserId: 'user-1', currencyFrom: 'eur', currencyTo: 'btc', amount: '100' });
    const rate = await upstreamRequest(getOperation('getExchangeRate'), {
      query: parsed('getExchangeRate', 'query', { currencyFrom: 'eth', currencyTo: 'eur', amount: '2' }) as Record<string, unknown>,
    });
    expect(rate).toMatchObject({ method: 'GET', path: '/v1/exchange/rate', query: { currencyFrom: 'eth', currencyTo: 'eur', amount: '2' } });
  });

  it('addresses card calls by JSON body, with limits as exact JSON numbers', async () => {
    for (const [id, method, path] of [
      ['blockCard', 'PATCH', '/v1/card/block'],
      ['unblockCard', 'PATCH', '/v1/card/unblock'],
      ['deleteCard', 'DELETE', '/v1/card'],
    ] as const) {
      const r = await upstreamRequest(getOperation(id), { params: card });
      expect(r, id).toMatchObject({ method, path, json: { externalUserId: 'user-1', cardId: 'card-9' } });
    }
    const pin = await upstreamRequest(getOperation('updateCardPin'), { params: card, body: parsed('updateCardPin', 'body', { pin: '0042' }) });
    expect(pin).toMatchObject({ method: 'PATCH', path: '/v1/card/pin', json: { externalUserId: 'user-1', cardId: 'card-9', pin: '0042' } });
    const limits = await upstreamRequest(getOperation('updateCardLimits'), {
      params: card,
      body: parsed('updateCardLimits', 'body', {
        monthlyTrxAll: '999999999.99',
        dailyTrxAll: '0.10',
        monthlyTrxAtm: '2000',
        dailyTrxAtm: '500.5',
        monthlyTrxEcom: '0',
        dailyTrxEcom: '0',
      }),
    });
    expect(limits.json).toEqual({
      externalUserId: 'user-1',
      cardId: 'card-9',
      monthlyTrxAll: 999999999.99,
      dailyTrxAll: 0.1,
      monthlyTrxAtm: 2000,
      dailyTrxAtm: 500.5,
      monthlyTrxEcom: 0,
      dailyTrxEcom: 0,
    });
    const details = await upstreamRequest(getOperation('getCard'), { params: card });
    expect(details).toMatchObject({ method: 'GET', path: '/v1/card/details/user-1/card-9', json: undefined });
  });

  it('sends no body where P100 takes none, and fills user paths', async () => {
    for (const [id, method, path] of [
      ['deleteUser', 'DELETE', '/v1/user/user-1'],
      ['suspendUser', 'PATCH', '/v1/user/suspend/user-1'],
      ['unsuspendUser', 'PATCH', '/v1/user/unsuspend/user-1'],
    ] as const) {
      const r = await upstreamRequest(getOperation(id), { params: user });
      expect(r, id).toMatchObject({ method, path, json: undefined });
    }
    const enc = await upstreamRequest(getOperation('getUserBalances'), { params: { externalUserId: 'a:b@c' } });
    expect(enc.path).toBe('/v1/user/balances/a%3Ab%40c');
  });
});

describe('request schemas refuse what P100 would refuse, before any call', () => {
  const bad = (id: string, part: 'body' | 'query', value: unknown): string[] => {
    const r = getOperation(id).request[part]?.safeParse(value);
    if (!r || r.success) return [];
    return [...new Set(r.error.issues.map((i) => i.path.join('.')))];
  };

  it('SEPA: IBAN shape, eur only with 2 decimals, level-2 receiver fields complete', () => {
    const ok = { amount: '10.00', currency: 'eur', destinationIban: 'LT121000011101001000', transferTitle: 't' };
    expect(bad('createSepaTransfer', 'body', ok)).toEqual([]);
    expect(bad('createSepaTransfer', 'body', { ...ok, destinationIban: 'not-an-iban' })).toEqual(['destinationIban']);
    expect(bad('createSepaTransfer', 'body', { ...ok, currency: 'btc' })).toEqual(['currency']);
    expect(bad('createSepaTransfer', 'body', { ...ok, amount: '1.001' })).toEqual(['amount']);
    expect(bad('createSepaTransfer', 'body', { ...ok, receiverFirstName: 'A' })).toEqual(['receiverType']);
    expect(bad('createSepaTransfer', 'body', { ...ok, receiverType: 'NATURAL', receiverFirstName: 'A' })).toEqual(['receiverLastName']);
    expect(bad('createSepaTransfer', 'body', { ...ok, receiverType: 'LEGAL', companyName: 'C', receiverLastName: 'B' })).toEqual(['receiverLastName']);
    expect(bad('createPartnerSepaTransfer', 'body', { ...ok, receiverType: 'LEGAL', companyName: 'C' })).toEqual([]);
  });

  it('crypto: network only for usdc/usdt, address shape, enums', () => {
    const ok = { currency: 'eth', amount: '0.01', walletAddress: '0xabcdef0123456789abcdef', name: 'Jane', walletType: 'OTHER', receiverType: 'LEGAL' };
    expect(bad('createCryptoWithdrawal', 'body', ok)).toEqual([]);
    expect(bad('createCryptoWithdrawal', 'body', { ...ok, network: 'polygon' })).toEqual(['network']);
    expect(bad('createCryptoWithdrawal', 'body', { ...ok, walletAddress: 'x y' })).toEqual(['walletAddress']);
    expect(bad('createCryptoWithdrawal', 'body', { ...ok, walletType: 'SELF_CUSTODY' })).toEqual(['walletType']);
    expect(bad('getNetworkFee', 'query', { currency: 'usdt', network: 'polygon' })).toEqual([]);
    expect(bad('getNetworkFee', 'query', { currency: 'eur' })).toEqual(['currency']);
  });

  it('cards: 4-digit PIN, limits as decimal strings with daily ≤ monthly', () => {
    expect(bad('updateCardPin', 'body', { pin: '12345' })).toEqual(['pin']);
    const limits = { monthlyTrxAll: '100', dailyTrxAll: '100.00', monthlyTrxAtm: '10', dailyTrxAtm: '10.01', monthlyTrxEcom: '5', dailyTrxEcom: '1' };
    expect(bad('updateCardLimits', 'body', limits)).toEqual(['dailyTrxAtm']);
    expect(bad('updateCardLimits', 'body', { ...limits, dailyTrxAtm: 5 })).toEqual(['dailyTrxAtm']);
  });

  it('users: update needs at least one known field; transfers need a direction', () => {
    expect(bad('updateUser', 'body', {})).toEqual(['']);
    expect(bad('updateUser', 'body', { documentNumber: 'X' })).toEqual(['']);
    expect(bad('updateUser', 'body', { city: 'Gdańsk' })).toEqual([]);
    expect(bad('createTransfer', 'body', { amount: '1', currency: 'eur' })).toEqual(['direction']);
  });
});
