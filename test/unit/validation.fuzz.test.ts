/**
 * Fuzz tests of the request parsers every operation shares: the JSON body (text or base64) and the query
 * string parameters. They go through the public operation handler, not the parser functions, so they keep
 * holding whatever the parsers become: every input gets either the operation's success or a 4xx
 * problem+json, never a 5xx and never a throw, and nothing reaches P100 unless the request was accepted.
 *
 * Seeded (a failure reproduces) and bounded (a second or two each on the 2-core CI machine).
 */
import { CURRENCY_RULES } from '../../shared/catalog/currencies.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOperation } from '../../shared/catalog/index.js';
import { operationHandler } from '../../shared/http/index.js';
import { setP100Client } from '../../shared/p100/index.js';
import type { P100Client, P100Request } from '../../shared/p100/index.js';
import { lambdaContext, v2Event } from '../support/events.js';

const SEED = 1414;
const RUNS = 200;

type Res = { statusCode: number; headers?: Record<string, string>; body?: string };

const calls: P100Request[] = [];
// Answers every call the way P100 answers a lock (and a history page), so an accepted request succeeds.
const client = {
  call: async (r: P100Request) => {
    calls.push(r);
    return { status: 200, body: { lockId: 'l-1', rate: '1.5', transactions: [] }, attempts: 1 };
  },
} as unknown as P100Client;

beforeAll(() => {
  process.env.P100_API_KEY_SECRET_ID = '';
  setP100Client(client);
});
afterAll(() => setP100Client(undefined));

/** A POST with a JSON body, no path parameters, no ledger: the body parser and validation alone decide. */
const createLock = operationHandler(getOperation('createPartnerExchangeLock'));
/** A GET with an optional query (page, pageSize, from, to). */
const history = operationHandler(getOperation('getPartnerTransactions'));

/** The property every answer must have: success, or a 4xx problem+json that says which status it is. */
function expectSuccessOr4xxProblem(res: Res, success: number): void {
  if (res.statusCode === success) return;
  expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, res.body).toBeLessThan(500);
  expect(res.headers?.['content-type']).toBe('application/problem+json');
  const problem = JSON.parse(res.body ?? '') as { status?: unknown; title?: unknown };
  expect(problem.status).toBe(res.statusCode);
  expect(typeof problem.title).toBe('string');
}

async function post(rawBody: string, opts: { base64?: boolean; contentType?: string } = {}): Promise<Res> {
  const before = calls.length;
  const event = v2Event({
    method: 'POST',
    path: '/partner/exchange-locks',
    rawBody: opts.base64 ? Buffer.from(rawBody, 'utf8').toString('base64') : rawBody,
    isBase64Encoded: opts.base64 ?? false,
    headers: opts.contentType === undefined ? {} : { 'content-type': opts.contentType },
  });
  const res = (await createLock(event, lambdaContext())) as Res;
  // Refused requests change nothing and never reach P100.
  if (res.statusCode !== 201) expect(calls.length).toBe(before);
  return res;
}

const CURRENCIES = ['eur', 'btc', 'eth', 'usdc'] as const;
/** An amount within `currency`'s rule (shared/catalog/currencies.ts): its decimals, below its upper bound, above 0. */
const amountIn = (currency: (typeof CURRENCIES)[number]) => {
  const { decimals, maxIntegerDigits } = CURRENCY_RULES[currency];
  return fc
    .tuple(
      fc.nat({ max: Math.min(10 ** maxIntegerDigits - 1, 10_000_000) }),
      fc.option(fc.stringMatching(new RegExp(`^\\d{1,${decimals}}$`)), { nil: undefined }),
    )
    .map(([whole, frac]) => (frac === undefined ? String(whole) : `${whole}.${frac}`))
    .filter((s) => /[1-9]/.test(s));
};
/** A lock request the schema accepts, currencies in lower or upper case; the amount is in currencyFrom. */
const validLock = fc
  .tuple(fc.constantFrom(...CURRENCIES), fc.constantFrom(...CURRENCIES), fc.boolean(), fc.boolean())
  .filter(([from, to]) => from !== to)
  .chain(([from, to, upperFrom, upperTo]) =>
    amountIn(from).map((amt) => ({
      currencyFrom: upperFrom ? from.toUpperCase() : from,
      currencyTo: upperTo ? to.toUpperCase() : to,
      amount: amt,
    })),
  );

/** Valid JSON text of a value, written differently: compact, indented, or with every character \u-escaped. */
function spellings(value: unknown): string[] {
  const compact = JSON.stringify(value);
  const escaped = compact.replace(
    /"((?:[^"\\]|\\.)*)"/g,
    (_, s: string) => `"${[...(JSON.parse(`"${s}"`) as string)].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`,
  );
  return [compact, JSON.stringify(value, null, 2), `\n\t ${compact} \r\n`, escaped];
}

describe('JSON body parser (fuzz)', () => {
  it('any text body: success or 4xx problem+json, never 5xx, never a throw', async () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.json({ maxDepth: 4 }),
      // Near misses: valid JSON with one character removed, duplicated or replaced.
      fc.tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.string({ unit: 'binary', maxLength: 2 })).map(([j, i, s]) => {
        const at = j.length === 0 ? 0 : i % j.length;
        return j.slice(0, at) + s + j.slice(at + 1);
      }),
      validLock.map((v) => JSON.stringify(v)),
    );
    const contentType = fc.constantFrom(
      undefined,
      'application/json',
      'application/json; charset=utf-8',
      'application/merge-patch+json',
      'text/plain',
      '',
      'application/jsonx',
    );
    await fc.assert(
      fc.asyncProperty(text, contentType, fc.boolean(), async (body, type, base64) => {
        expectSuccessOr4xxProblem(await post(body, { base64, contentType: type }), 201);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('any bytes (base64-encoded, invalid UTF-8 included): success or 4xx problem+json', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const before = calls.length;
        const event = v2Event({ method: 'POST', path: '/partner/exchange-locks', rawBody: Buffer.from(bytes).toString('base64'), isBase64Encoded: true });
        const res = (await createLock(event, lambdaContext())) as Res;
        expectSuccessOr4xxProblem(res, 201);
        if (res.statusCode !== 201) expect(calls.length).toBe(before);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('deeply nested and oversized bodies: 4xx problem+json', async () => {
    for (const depth of [1_000, 100_000]) {
      expectSuccessOr4xxProblem(await post(`${'['.repeat(depth)}${']'.repeat(depth)}`), 201);
      expectSuccessOr4xxProblem(await post(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`), 201);
    }
    const big = await post(JSON.stringify({ currencyFrom: 'eur', currencyTo: 'btc', amount: '1', pad: 'x'.repeat(300 * 1024) }));
    expect(big.statusCode).toBe(413);
  });

  it('an accepted body round-trips: however it is spelled or encoded, P100 gets the same request', async () => {
    await fc.assert(
      fc.asyncProperty(validLock, fc.boolean(), async (lock, base64) => {
        const sent: unknown[] = [];
        for (const text of spellings(lock)) {
          const before = calls.length;
          const res = await post(text, { base64 });
          expect(res.statusCode, res.body).toBe(201);
          expect(calls.length).toBe(before + 1);
          sent.push(calls.at(-1)?.query);
        }
        const expected = { currencyFrom: lock.currencyFrom.toLowerCase(), currencyTo: lock.currencyTo.toLowerCase(), amount: lock.amount };
        for (const q of sent) expect(q).toEqual(expected);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe('query string parameters (fuzz)', () => {
  async function get(query: Record<string, string>): Promise<Res> {
    const before = calls.length;
    const res = (await history(v2Event({ path: '/partner/transactions', query }), lambdaContext())) as Res;
    if (res.statusCode !== 200) expect(calls.length).toBe(before);
    return res;
  }

  it('any parameters (names like __proto__ included): success or 4xx problem+json, never 5xx', async () => {
    const name = fc.oneof(
      fc.constantFrom('page', 'pageSize', 'from', 'to', '__proto__', 'constructor', 'toString', ''),
      fc.string({ unit: 'binary', maxLength: 20 }),
    );
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.integer().map(String),
      fc.double().map(String),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom('', ' ', '1e3', '0x10', '-0', 'NaN', 'Infinity', '1,2', '2026-13-45T25:61:00Z'),
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(name, value, { maxKeys: 5 }), async (query) => {
        expectSuccessOr4xxProblem(await get(query), 200);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('accepted parameters round-trip to P100 as the values the caller sent', async () => {
    const query = fc.record(
      {
        page: fc.integer({ min: 1, max: 1_000_000 }).map(String),
        pageSize: fc.integer({ min: 1, max: 100 }).map(String),
        from: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const before = calls.length;
        const res = await get(q as Record<string, string>);
        expect(res.statusCode, res.body).toBe(200);
        expect(calls.length).toBe(before + 1);
        const sent = (calls.at(-1)?.query ?? {}) as Record<string, string | undefined>;
        for (const [k, v] of Object.entries(q)) expect(sent[k]).toBe(v);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
