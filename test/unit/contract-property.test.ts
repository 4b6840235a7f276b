import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOperation } from '../../shared/catalog/index.js';
import { requestStack } from '../../shared/http/index.js';
import { logger } from '../../shared/log/logger.js';
import { OPENAPI_FILE } from '../../shared/openapi/write.js';
import { lambdaContext, v2Event } from '../support/events.js';
import type { Schema } from '../support/json-schema.js';
import { conditionals, negations, type SpecOperation, SpecOracle, type SpecRequest, specOperations } from '../support/openapi-arbitraries.js';

/**
 * The document against the handlers (issue 13, item 6). From openapi.json alone: valid requests for every
 * operation must all pass the handlers' validation; invalid ones (one rule broken at a time) must all be
 * refused with a 4xx problem+json before anything runs. The handler side is the real middy stack every
 * operation runs (`requestStack`) with a stub implementation that records the calls that got through.
 * Seeded and bounded: the same requests every run, a few seconds.
 */

type Obj = Record<string, unknown>;
type Res = { statusCode: number; headers?: Record<string, string>; body?: string };

const SEED = 13;
const VALID_PER_OPERATION = 30;
const BASES_PER_MUTATION = 2;

const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as Obj;
const oracle = new SpecOracle(doc);
const ops = specOperations(doc);

function eventOf(op: SpecOperation, r: SpecRequest): APIGatewayProxyEventV2 {
  const query = Object.fromEntries(Object.entries(r.query).map(([k, v]) => [k, String(v)]));
  const rawBody = r.rawBody ?? (r.body === undefined ? undefined : JSON.stringify(r.body));
  return v2Event({
    method: op.method,
    path: op.path,
    pathParameters: r.pathParameters,
    ...(Object.keys(query).length ? { query } : {}),
    headers: { ...(rawBody !== undefined ? { 'content-type': 'application/json' } : {}), ...r.headers },
    ...(rawBody !== undefined ? { rawBody } : {}),
  });
}

/** The real validation stack of each operation, ending in a stub that records that a request got through. */
let reached = false;
const handlers = new Map<string, (e: APIGatewayProxyEventV2, c: ReturnType<typeof lambdaContext>) => Promise<unknown>>();
function handlerOf(operationId: string) {
  let h = handlers.get(operationId);
  if (!h) {
    const stub = async (_event: APIGatewayProxyEventV2, _context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
      reached = true;
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
    };
    const built = requestStack(getOperation(operationId)).handler(stub);
    h = (e, c) => built(e, c);
    handlers.set(operationId, h);
  }
  return h;
}

async function run(op: SpecOperation, r: SpecRequest): Promise<{ res: Res; reached: boolean }> {
  reached = false;
  const res = (await handlerOf(op.operationId)(eventOf(op, r), lambdaContext())) as Res;
  return { res, reached };
}

function validRequestArb(op: SpecOperation): fc.Arbitrary<SpecRequest> {
  const path = fc.record(Object.fromEntries(op.pathParams.map((p) => [p.name, oracle.arb(p.schema)]))) as fc.Arbitrary<Record<string, string>>;
  const query = oracle.arb(op.querySchema) as fc.Arbitrary<Record<string, unknown>>;
  const headers = fc.record(Object.fromEntries(op.headerParams.map((h) => [h.name, oracle.arb(h.schema)])), {
    requiredKeys: op.headerParams.filter((h) => h.required).map((h) => h.name) as never[],
  }) as fc.Arbitrary<Record<string, string>>;
  const body = op.body ? oracle.arb(op.body.schema) : fc.constant(undefined);
  return fc
    .record({ pathParameters: path, query, headers, body })
    .map((r) => (r.body === undefined ? { pathParameters: r.pathParameters, query: r.query, headers: r.headers } : r));
}

function sample(op: SpecOperation, n: number, seed: number): SpecRequest[] {
  return fc.sample(validRequestArb(op), { numRuns: n, seed });
}

// ---------------------------------------------------------------------------------------------------------
// Invalid requests: one rule of the document broken at a time.

/** Values that break a schema: candidates by kind, kept only when the document refuses them. */
function badValues(schema: Schema, seed: number): unknown[] {
  const s = oracle.deref(schema) as Obj;
  const c: unknown[] = [null];
  if (Array.isArray(s.enum)) {
    const first = String(s.enum[0]);
    c.push('zz-not-listed', first.charAt(0).toUpperCase() + first.slice(1).toLowerCase(), 1);
  }
  if ('const' in s) c.push(!s.const, String(s.const));
  switch (s.type) {
    case 'string':
      c.push(
        123,
        true,
        '',
        ' ',
        '.',
        '..',
        '0',
        '00',
        '-1',
        '1e3',
        '0.00',
        '10.001',
        '0.000000001',
        '100000000000000000000',
        'a/b',
        'a%2Fb',
        'a\\b',
        'x y',
        'a\u0000b',
      );
      c.push('1990-02-30', '1990-14-01', 'a@b-.example.com', 'Eur', '<script>', 'x'.repeat(((s.maxLength as number | undefined) ?? 300) + 1));
      if (typeof s.pattern === 'string') {
        const good = fc.sample(fc.stringMatching(new RegExp(s.pattern as string)), { numRuns: 3, seed });
        for (const g of good) c.push(`${g}!`, `!${g}`, `${g}/`, `${g} `, g.slice(1));
      }
      break;
    case 'integer':
      c.push('1', 1.5, ((s.minimum as number | undefined) ?? 0) - 1, ((s.maximum as number | undefined) ?? 1e9) + 1);
      break;
    case 'boolean':
      c.push('true', 1);
      break;
    case 'array':
      c.push('x', {}, []);
      if (s.maxItems !== undefined || s.uniqueItems) {
        const item = fc.sample(oracle.arb(s.items as Schema), { numRuns: 1, seed })[0];
        c.push(Array.from({ length: ((s.maxItems as number | undefined) ?? 1) + 1 }, () => item));
      }
      break;
    case 'object':
      c.push('x', [], {}, { zzUnknown: 1 });
      break;
  }
  return c.filter((x) => !oracle.valid(schema, x));
}

interface Mutation {
  rule: string;
  apply: (r: SpecRequest) => SpecRequest | undefined;
}

const setBody = (r: SpecRequest, patch: (b: Obj) => Obj): SpecRequest | undefined =>
  r.body && typeof r.body === 'object' && !Array.isArray(r.body) ? { ...r, body: patch({ ...(r.body as Obj) }) } : undefined;

/** Mutations that break the rules of an object schema (body or query), applied through `set`. */
function objectMutations(
  where: string,
  schema: Obj,
  get: (r: SpecRequest) => Obj | undefined,
  set: (r: SpecRequest, o: Obj) => SpecRequest,
  seed: number,
): Mutation[] {
  const s = oracle.deref(schema) as Obj;
  const props = (s.properties ?? {}) as Record<string, Schema>;
  const out: Mutation[] = [];
  const patch = (rule: string, fn: (o: Obj) => Obj | undefined) =>
    out.push({
      rule: `${where}: ${rule}`,
      apply: (r) => {
        const o = get(r);
        const next = o ? fn({ ...o }) : undefined;
        return next ? set(r, next) : undefined;
      },
    });
  for (const k of (s.required ?? []) as string[])
    patch(`${k} missing`, (o) => {
      delete o[k];
      return o;
    });
  if (s.additionalProperties === false) patch('unknown property', (o) => ({ ...o, zzUnknown: 'x' }));
  if (typeof s.minProperties === 'number') patch('fewer than minProperties', () => ({}));
  for (const [k, p] of Object.entries(props)) {
    for (const bad of badValues(p, seed)) patch(`${k} = ${JSON.stringify(bad)?.slice(0, 40)}`, (o) => ({ ...o, [k]: bad }));
  }
  // Cross-field rules: a `then` field drawn from its base schema but not the stricter one.
  conditionals(s).forEach((rule, i) => {
    for (const [k, p] of Object.entries(((rule.then as Obj).properties ?? {}) as Record<string, Schema>)) {
      if (p === true || !props[k]) continue;
      const candidates = [
        ...fc.sample(oracle.arb(props[k]), { numRuns: 40, seed: seed + i }),
        ...badValues(props[k], seed).filter((x) => typeof x === 'string'),
      ];
      patch(`rule ${i}: ${k} breaks its condition`, (o) => {
        if (!oracle.v.valid(rule.if, o)) return undefined;
        const bad = candidates.find((x) => oracle.valid(props[k] ?? true, x) && !oracle.v.valid(p, x));
        return bad === undefined ? undefined : { ...o, [k]: bad };
      });
    }
    for (const k of ((rule.then as Obj).required ?? []) as string[])
      patch(`rule ${i}: ${k} required by its condition`, (o) => {
        if (!oracle.v.valid(rule.if, o)) return undefined;
        delete o[k];
        return o;
      });
  });
  // `not: { anyOf: [...] }` (currencyTo ≠ currencyFrom): make one branch hold.
  for (const not of negations(s)) {
    for (const branch of (not.anyOf ?? [not]) as Obj[]) {
      const forced = Object.entries((branch.properties ?? {}) as Record<string, Schema>).filter(([, p]) => p !== true && Array.isArray((p as Obj).enum));
      if (forced.length === 0) continue;
      patch(`not: ${forced.map(([k, p]) => `${k}=${(p as { enum: unknown[] }).enum[0]}`).join(' ')}`, (o) => ({
        ...o,
        ...Object.fromEntries(forced.map(([k, p]) => [k, (p as { enum: unknown[] }).enum[0]])),
      }));
      break;
    }
  }
  for (const rule of (s['x-p100-rules'] ?? []) as Obj[]) {
    for (const [small, large] of (rule.lessOrEqual ?? []) as [string, string][]) {
      patch(`${small} > ${large}`, (o) => (typeof o[large] === 'string' ? { ...o, [small]: '999999999.99', [large]: '1' } : undefined));
    }
  }
  return out;
}

function mutations(op: SpecOperation, seed: number): Mutation[] {
  const out: Mutation[] = [];
  for (const p of op.pathParams) {
    for (const bad of [...badValues(p.schema, seed), '%2E%2E', '%2e', 'a%5Cb', '\u007f'].filter((x) => typeof x === 'string' && !oracle.valid(p.schema, x))) {
      out.push({
        rule: `path ${p.name} = ${JSON.stringify(bad).slice(0, 40)}`,
        apply: (r) => ({ ...r, pathParameters: { ...r.pathParameters, [p.name]: bad as string } }),
      });
    }
  }
  for (const h of op.headerParams) {
    if (h.required)
      out.push({
        rule: `header ${h.name} missing`,
        apply: (r) => ({ ...r, headers: Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== h.name)) }),
      });
    for (const bad of badValues(h.schema, seed).filter((x) => typeof x === 'string'))
      out.push({
        rule: `header ${h.name} = ${JSON.stringify(bad).slice(0, 30)}`,
        apply: (r) => ({ ...r, headers: { ...r.headers, [h.name]: bad as string } }),
      });
  }
  if (op.queryParams.length) {
    // Query values travel as strings: a bad value that has no string form (null, objects) cannot be sent.
    const sendable = (m: Mutation): Mutation => ({
      rule: m.rule,
      apply: (r) => {
        const next = m.apply(r);
        return next && Object.values(next.query).every((x) => ['string', 'number', 'boolean'].includes(typeof x)) ? next : undefined;
      },
    });
    out.push(
      ...objectMutations(
        'query',
        op.querySchema,
        (r) => r.query,
        (r, q) => ({ ...r, query: q }),
        seed,
      )
        .filter((m) => !m.rule.endsWith('unknown property'))
        .map(sendable),
    );
  }
  if (op.body) {
    if (op.body.required) out.push({ rule: 'body missing', apply: (r) => ({ pathParameters: r.pathParameters, query: r.query, headers: r.headers }) });
    for (const raw of ['null', '[]', '"x"', '1', 'true']) out.push({ rule: `body ${raw}`, apply: (r) => ({ ...r, rawBody: raw }) });
    out.push(
      ...objectMutations(
        'body',
        op.body.schema,
        (r) => (r.body && typeof r.body === 'object' ? (r.body as Obj) : undefined),
        (r, b) => ({ ...r, body: b }),
        seed,
      ),
    );
    // Nested objects (travel-rule details): their own rules, one at a time.
    const props = ((oracle.deref(op.body.schema) as Obj).properties ?? {}) as Record<string, Schema>;
    for (const [k, p] of Object.entries(props)) {
      const ps = oracle.deref(p) as Obj;
      if (ps.type !== 'object' || !ps.properties) continue;
      out.push(
        ...objectMutations(
          `body.${k}`,
          ps,
          (r) => (r.body as Obj | undefined)?.[k] as Obj | undefined,
          (r, o) => setBody(r, (b) => ({ ...b, [k]: o })) ?? r,
          seed,
        ),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

const counts = { valid: 0, accepted: 0, invalid: 0, refused: 0, mutationsSkipped: 0 };

beforeAll(() => logger.setLogLevel('SILENT'));
afterAll(() => {
  logger.setLogLevel('INFO');
  console.log(
    `contract property test (seed ${SEED}): ${ops.length} operations; spec-valid ${counts.accepted}/${counts.valid} accepted; ` +
      `spec-invalid ${counts.refused}/${counts.invalid} refused with 4xx problem+json and no call (${counts.mutationsSkipped} mutations left a request spec-valid and were not counted)`,
  );
});

describe('openapi.json against the handlers (property test)', () => {
  it('reads every operation of the document', () => {
    expect(ops.length).toBe(59);
  });

  it.each(ops.map((op) => [op.operationId, op] as const))('%s: every spec-valid request passes validation', async (_id, op) => {
    const refused: string[] = [];
    for (const r of sample(op, VALID_PER_OPERATION, SEED)) {
      expect(oracle.requestValid(op, r), `generator produced a spec-invalid request: ${JSON.stringify(r)}`).toBe(true);
      counts.valid++;
      const { res, reached } = await run(op, r);
      if (res.statusCode === 200 && reached) counts.accepted++;
      else refused.push(`${res.statusCode} ${res.body} for ${JSON.stringify(r)}`);
    }
    expect(refused).toEqual([]);
  });

  it.each(ops.map((op) => [op.operationId, op] as const))(
    '%s: every spec-invalid request is refused with 4xx problem+json before anything runs',
    async (_id, op) => {
      const bases = sample(op, BASES_PER_MUTATION, SEED + 1);
      const escaped: string[] = [];
      let tried = 0;
      const all = mutations(op, SEED);
      for (const m of all) {
        for (const base of bases) {
          const r = m.apply(base);
          if (!r) continue;
          if (oracle.requestValid(op, r)) {
            counts.mutationsSkipped++;
            continue;
          }
          tried++;
          counts.invalid++;
          const { res, reached } = await run(op, r);
          const ok = res.statusCode >= 400 && res.statusCode < 500 && res.headers?.['content-type'] === 'application/problem+json' && !reached;
          if (ok) counts.refused++;
          else escaped.push(`${m.rule}: ${res.statusCode} reached=${reached}`);
        }
      }
      expect(escaped).toEqual([]);
      // An operation with no parameters and no body has no rule to break.
      if (all.length) expect(tried).toBeGreaterThan(0);
    },
  );

  it('has teeth: a document weaker than the handlers (no per-currency rule, "0" allowed) is caught', async () => {
    const weak = structuredClone(doc) as Obj;
    const transfer = (weak.components as { schemas: Record<string, { allOf?: unknown; properties: Obj }> }).schemas.TransferRequest!;
    delete transfer.allOf;
    transfer.properties.amount = { type: 'string', pattern: '^[0-9]{1,3}(\\.[0-9]{1,9})?$', description: 'weakened' };
    const weakOracle = new SpecOracle(weak);
    const op = specOperations(weak).find((o) => o.operationId === 'createTransfer');
    if (!op) throw new Error('createTransfer is missing');
    const reqs = fc.sample(
      fc.record({
        pathParameters: fc.record({ externalUserId: weakOracle.arb(op.pathParams[0]?.schema ?? true) }),
        query: fc.constant({}),
        headers: fc.constant({ 'idempotency-key': 'key-12345678' }),
        body: weakOracle.arb(op.body?.schema ?? true),
      }),
      { numRuns: 40, seed: SEED },
    ) as SpecRequest[];
    let refused = 0;
    for (const r of reqs) if ((await run(op, r)).res.statusCode === 400) refused++;
    expect(refused).toBeGreaterThan(0);
  });
});
