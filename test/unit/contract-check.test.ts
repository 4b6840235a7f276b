/**
 * Issue 16, the parts of the contract check that need no P100: the strict schema walk, the production guard,
 * the passive webhook check, the report roll-up and rendering, and the run's judgement of scripted answers
 * (a fake transport: no network in unit tests).
 */
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import {
  checkStrict,
  checkWebhookPayloads,
  ContractRunError,
  ContractTransportError,
  driftCount,
  exitCodeOf,
  httpTransport,
  isProductionBaseUrl,
  renderMarkdown,
  testUserIdFor,
  verifyContract,
  type ProbeAnswer,
  type Transport,
} from '../../shared/contract/index.js';
import { buildReport } from '../../shared/contract/report.js';
import { smallestAmount } from '../../shared/contract/plan.js';
import { ContractInputError, upstreamRequestOf } from '../../shared/contract/request.js';
import { getOperation } from '../../shared/catalog/index.js';
import { upstreamAmount, upstreamStatus } from '../../shared/catalog/schemas.js';

describe('checkStrict: the strict reading of an answer', () => {
  const schema = z
    .looseObject({
      id: z.string(),
      amount: upstreamAmount,
      status: upstreamStatus,
      note: z.string().nullable().optional(),
      items: z.array(z.looseObject({ name: z.string(), kind: z.enum(['A', 'B']) })).optional(),
      config: z.record(z.string(), z.looseObject({ on: z.boolean() })).optional(),
    })
    .meta({ id: 'StrictExample' });

  it('finds nothing in an answer that fits, whatever union branch or nullable it takes', () => {
    expect(checkStrict(schema, { id: 'a', amount: 1.5, status: 'ok', note: null, items: [{ name: 'x', kind: 'A' }], config: { n: { on: true } } })).toEqual([]);
    expect(checkStrict(schema, { id: 'a', amount: '1.50', status: 'ok' })).toEqual([]);
  });

  it('reports each kind once per field, with the field path', () => {
    const drifts = checkStrict(schema, {
      amount: true,
      status: 'ok',
      extra: 1,
      items: [
        { name: 1, kind: 'C' },
        { name: 2, kind: 'C' },
      ],
      config: { n: { on: 'yes' } },
    });
    expect(drifts.map((d) => `${d.kind} ${d.field}`).sort()).toEqual([
      'enum-value items[].kind',
      'field-missing id',
      'field-type amount',
      'field-type config.*.on',
      'field-type items[].name',
      'field-unknown extra',
    ]);
    expect(drifts.find((d) => d.kind === 'field-type' && d.field === 'amount')?.detail).toContain('got boolean');
  });

  it('holds status fields to the allowed values, case-insensitively', () => {
    const allowedValues = { status: ['ACTIVE', 'SUSPENDED'] };
    expect(checkStrict(schema, { id: 'a', amount: '1', status: 'active' }, { allowedValues })).toEqual([]);
    const [d] = checkStrict(schema, { id: 'a', amount: '1', status: 'FROZEN' }, { allowedValues });
    expect(d).toMatchObject({ kind: 'enum-value', field: 'status' });
    expect(d?.detail).toContain('"FROZEN"');
  });

  it('names the body itself when it is not an object at all', () => {
    expect(checkStrict(schema, 'Access Denied')).toEqual([expect.objectContaining({ kind: 'field-type', field: '(body)' })]);
  });
});

describe('isProductionBaseUrl', () => {
  it('knows the production host in any spelling, and nothing else', () => {
    expect(isProductionBaseUrl('https://partner-api.p100.io')).toBe(true);
    expect(isProductionBaseUrl('https://PARTNER-API.p100.io:443/v1/')).toBe(true);
    expect(isProductionBaseUrl('http://partner-api.p100.io.')).toBe(true);
    expect(isProductionBaseUrl('https://partner-api-stage.p100.io')).toBe(false);
    expect(isProductionBaseUrl('http://127.0.0.1:4010')).toBe(false);
    expect(isProductionBaseUrl('not a url')).toBe(false);
  });

  it('adds the hosts of P100_PRODUCTION_HOSTS (a proxy in front of production)', () => {
    const env = { P100_PRODUCTION_HOSTS: ' p100-proxy.internal.example , other.example' };
    expect(isProductionBaseUrl('https://p100-proxy.internal.example/x', env)).toBe(true);
    expect(isProductionBaseUrl('https://partner-api.p100.io', env)).toBe(true);
    expect(isProductionBaseUrl('https://partner-api-stage.p100.io', env)).toBe(false);
  });
});

describe('checkWebhookPayloads: the passive check of inbox payloads', () => {
  it('reports unknown fields, a missing or mistyped status and a status outside the lifecycle; untested without events', () => {
    const checks = checkWebhookPayloads([
      { webhook: 'userStatus', payload: JSON.stringify({ externalUserId: 'u1', status: 'ACTIVE' }) },
      { webhook: 'userStatus', payload: { externalUserId: 'u1', status: 'dormant', reason: 'x' } },
      { webhook: 'exchange', payload: { exchangeId: 'e1' } },
      { webhook: 'p2pTransfer', payload: { id: 't1', status: 7 } },
      { webhook: 'cardActivationCode', payload: { cardId: 'c1', externalUserId: 'u1' } },
      { webhook: 'noSuchWebhook', payload: {} },
      { webhook: 'kycFileAdded', payload: '{not json' },
    ]);
    const by = (w: string) => checks.find((c) => c.webhook === w);
    expect(by('userStatus')?.events).toBe(2);
    expect(
      by('userStatus')
        ?.drifts.map((d) => `${d.kind} ${d.field}`)
        .sort(),
    ).toEqual(['enum-value status', 'field-unknown reason']);
    expect(by('exchange')?.drifts.map((d) => d.kind)).toEqual(['field-missing']);
    expect(by('p2pTransfer')?.drifts.map((d) => d.kind)).toEqual(['field-type']);
    expect(by('cardActivationCode')?.status).toBe('confirmed');
    expect(by('ibanStatus')?.status).toBe('untested');
    expect(by('kycFileAdded')).toMatchObject({ events: 1, status: 'confirmed' });
  });
});

describe('report', () => {
  it('rolls assumptions up: drift wins over confirmed, confirmed over untested', () => {
    const r = buildReport({
      baseUrl: 'http://x',
      startedAt: 'a',
      finishedAt: 'b',
      mode: 'read-only',
      operations: [
        { operationId: 'a', status: 'drift', drifts: [{ kind: 'status', detail: 'd | e\nf' }] },
        { operationId: 'b', status: 'confirmed', drifts: [] },
      ],
      tallies: [
        { operationId: 'a', assumptions: ['F1', 'P1'], drifted: ['F1'], confirmed: ['P1'] },
        { operationId: 'b', assumptions: ['F1', 'P2'], drifted: [], confirmed: ['F1'] },
      ],
      untestedAssumptions: [{ id: 'U7', operationId: 'deleteUser' }],
      suggestedOverrides: {},
      webhooks: [{ webhook: 'userStatus', events: 1, status: 'drift', drifts: [{ kind: 'enum-value', detail: 'x' }] }],
      leftBehind: [],
    });
    const status = Object.fromEntries(r.assumptions.map((a) => [a.id, a.status]));
    expect(status).toEqual({ F1: 'drift', P1: 'confirmed', P2: 'untested', U7: 'untested', 'E (webhook payloads)': 'drift' });
    expect(r.summary.drifts.status).toBe(1);
    expect(r.summary.webhookDrifts).toBe(1);
    expect(driftCount(r)).toBe(2);
    expect(exitCodeOf(r)).toBe(1);
    const md = renderMarkdown(r);
    expect(md).toContain('d \\| e f');
    expect(md).toContain('## Left behind at P100\n\n- nothing');
    expect(md).toContain('## Webhook payloads seen in the inbox');
  });
});

describe('requests and amounts', () => {
  it('the smallest amount follows the currency table', () => {
    expect(smallestAmount('eur')).toBe('0.01');
    expect(smallestAmount('usdc')).toBe('0.000001');
    expect(smallestAmount('btc')).toBe('0.00000001');
  });

  it('builds the request the suite would send, and refuses an input the catalog refuses', () => {
    const op = getOperation('createTransfer');
    const req = upstreamRequestOf(
      op,
      { method: 'POST', path: '/v1/transfer' },
      { params: { externalUserId: 'u1' }, body: { direction: 'FUNDING', amount: '0.01', currency: 'EUR' } },
    );
    expect(req).toEqual({ method: 'POST', path: '/v1/transfer', json: { destinationExternalUserId: 'u1', amount: '0.01', currency: 'eur' } });
    expect(() => upstreamRequestOf(op, { method: 'POST', path: '/v1/transfer' }, { params: { externalUserId: 'u1' }, body: { amount: '-1' } })).toThrow(
      ContractInputError,
    );
  });

  it('the test user id is stable per base URL and reserved by its prefix', () => {
    expect(testUserIdFor('https://partner-api-stage.p100.io/')).toBe(testUserIdFor('https://partner-api-stage.p100.io'));
    expect(testUserIdFor('https://a.example')).not.toBe(testUserIdFor('https://b.example'));
    expect(testUserIdFor('https://a.example')).toMatch(/^p100-contract-[0-9a-f]{12}$/);
  });
});

/** A scripted P100: the first matching rule answers; everything else is a faithful-looking default. */
function scripted(rules: Array<[RegExp, ProbeAnswer]>, fallback: ProbeAnswer = { status: 200, body: {} }): Transport & { seen: string[] } {
  const seen: string[] = [];
  const t = async (req: { method: string; path: string }) => {
    const line = `${req.method} ${req.path}`;
    seen.push(line);
    return rules.find(([re]) => re.test(line))?.[1] ?? fallback;
  };
  return Object.assign(t, { seen });
}

const run = (transport: Transport) => verifyContract({ baseUrl: 'http://p100.test', transport, overrides: '' });
const opOf = (r: Awaited<ReturnType<typeof run>>, id: string) => r.operations.find((o) => o.operationId === id);

describe('verifyContract against scripted answers', () => {
  it('gives up a check that never gets an answer (its budget), says so in its result, and checks the rest (issue 23)', async () => {
    const base = scripted([]);
    const hanging: Transport = (req) => (/^GET \/v1\/partner\/balances$/.test(`${req.method} ${req.path}`) ? new Promise(() => undefined) : base(req));
    const r = await verifyContract({ baseUrl: 'http://p100.test', transport: hanging, overrides: '', itemBudgetMs: 50 });
    expect(opOf(r, 'getPartnerBalances')).toMatchObject({ status: 'untested', reason: 'over budget: no judgement within 50 ms' });
    expect(opOf(r, 'getPartnerTransactions')?.reason ?? '').not.toContain('over budget');
    expect(r.operations.filter((o) => o.reason?.includes('over budget')).map((o) => o.operationId)).toEqual(['getPartnerBalances']);
  });

  it('stops with ContractRunError when P100 refuses the key', async () => {
    await expect(run(scripted([], { status: 401, body: 'Access Denied. xo2' }))).rejects.toThrow(ContractRunError);
  });

  it('a path that answers 404 without an error code is a path drift; without an alternative nothing is proposed', async () => {
    const r = await run(scripted([[/^GET \/v1\/partner\/balances$/, { status: 404, body: { message: 'Not Found' } }]]));
    expect(opOf(r, 'getPartnerBalances')?.drifts[0]).toMatchObject({ kind: 'path' });
    expect(opOf(r, 'getPartnerBalances')?.drifts[0]?.detail).toContain('names no alternative');
    expect(r.suggestedOverrides).toEqual({});
    expect(r.assumptions.find((a) => a.id === 'P1')?.status).toBe('drift');
  });

  it('alternatives are tried in order; when none answers, the drift lists what was tried', async () => {
    const r = await run(scripted([[/exchange/, { status: 405, body: { message: 'Method Not Allowed' } }]]));
    const d = opOf(r, 'getExchange')?.drifts[0];
    expect(d?.kind).toBe('path');
    expect(d?.detail).toContain('GET /v1/exchange/{exchangeId} -> 405');
    expect(d?.detail).toContain('GET /exchange/{exchangeId} -> 405');
  });

  it('an error probe answered with another code, no code, or another status is drift; a 5xx is untested', async () => {
    const r = await run(
      scripted([
        [/^GET \/v1\/exchange\/details\//, { status: 404, body: { errorCode: 'P999' } }],
        [/^GET \/v1\/transfer\/details\//, { status: 400, body: { message: 'bad' } }],
        [/^GET \/v1\/crypto-withdrawal\/details\//, { status: 400, body: { errorCode: 'P466' } }],
        [/^GET \/v1\/user\/balances\//, { status: 503, body: 'down' }],
        [/^GET \/v1\/user\/transactions\//, { status: 200, body: {} }],
      ]),
    );
    expect(opOf(r, 'getExchange')?.drifts[0]?.detail).toContain('expected P466 (ASSUMPTIONS §D), got P999');
    expect(opOf(r, 'getTransfer')?.drifts[0]?.detail).toContain('got no errorCode');
    expect(opOf(r, 'getCryptoWithdrawal')?.drifts[0]).toMatchObject({ kind: 'status' });
    expect(opOf(r, 'getUserBalances')).toMatchObject({ status: 'untested' });
    expect(opOf(r, 'getUserBalances')?.reason).toContain('P100 failed');
    expect(opOf(r, 'getUserTransactions')?.drifts[0]?.detail).toContain('got a 200 success');
  });

  it('a refusal of a call expected to succeed leaves the operation untested, with the code as reason', async () => {
    const r = await run(scripted([[/^GET \/v1\/partner\/balances$/, { status: 400, body: { errorCode: 'P500', errorName: 'unknown-exception' } }]]));
    expect(opOf(r, 'getPartnerBalances')).toMatchObject({ status: 'untested' });
    expect(opOf(r, 'getPartnerBalances')?.reason).toContain('P100 refused: P500 unknown-exception');
  });

  it('a read-only run never sends a write, and says why each write is untested', async () => {
    const t = scripted([]);
    const r = await run(t);
    expect(t.seen.every((l) => l.startsWith('GET '))).toBe(true);
    expect(opOf(r, 'createCard')?.reason).toContain('--writes');
    expect(opOf(r, 'listInboxEvents')?.reason).toContain('served by the suite itself');
  });
});

describe('httpTransport', () => {
  it('waits out a 429 (Retry-After) and returns text bodies as text', async () => {
    const answers = [
      new Response('{"message":"Too Many Requests"}', { status: 429, headers: { 'retry-after': '2' } }),
      new Response('Access Denied. xo1', { status: 401 }),
    ];
    const waits: number[] = [];
    const t = httpTransport({
      baseUrl: 'http://p100.test/',
      apiKey: 'k',
      fetch: async () => answers.shift()!,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(await t({ method: 'GET', path: '/v1/x', query: { a: '1', b: undefined } })).toEqual({ status: 401, body: 'Access Denied. xo1' });
    expect(waits).toEqual([2000]);
  });

  it('turns a network failure into ContractTransportError', async () => {
    const t = httpTransport({
      baseUrl: 'http://p100.test',
      apiKey: 'k',
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    await expect(t({ method: 'POST', path: '/v1/x', json: {} })).rejects.toThrow(ContractTransportError);
  });
});
