import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { examples } from '../../shared/catalog/examples.js';
import { getOperation, operations } from '../../shared/catalog/index.js';
import { OPENAPI_FILE } from '../../shared/openapi/write.js';
import { SchemaValidator, type Schema } from '../support/json-schema.js';

/**
 * openapi.json says what the handlers accept and return (issue 13): every response field typed, every rule
 * of a request visible (patterns, enums with their spellings, per-currency amounts, minProperties), named
 * schemas, one checked example per operation, described parameters, links, API Gateway's own 403/429.
 * Read from the committed file: it is what app developers get.
 */

type Obj = Record<string, unknown>;
// The parts of openapi.json this file reads. Asserted, not checked: a node the document lacks makes the test fail.
interface SchemaNode extends Obj {
  properties: Record<string, Obj>;
  description?: string;
  minProperties?: number;
}
interface Media {
  schema: Obj;
  example?: unknown;
}
interface Link {
  operationId: string;
  parameters: Record<string, string>;
}
interface ResponseNode {
  content: { 'application/json': Media };
  links?: Record<string, Link>;
}
interface ParamNode extends Obj {
  in: string;
  name: string;
  schema: Obj;
  required?: boolean;
}
interface OperationNode {
  parameters: ParamNode[];
  requestBody: { content: { 'application/json': Media } };
  responses: Record<string, ResponseNode>;
  'x-p100-query-rules': { allOf: unknown[] };
}
interface Doc extends Obj {
  paths: Record<string, Record<string, OperationNode>>;
  components: { schemas: Record<string, Obj>; responses: Record<string, ResponseNode> & { Forbidden: ResponseNode; TooManyRequests: ResponseNode } };
  servers: { url: string }[];
}
const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as Doc;
const v = new SchemaValidator(doc);
const opOf = (operationId: string): OperationNode => {
  const op = getOperation(operationId);
  return doc.paths[op.route.path]![op.route.method.toLowerCase()]!;
};
const deref = (s: Obj): SchemaNode => (typeof s.$ref === 'string' ? deref(v.resolve(s.$ref) as Obj) : (s as SchemaNode));
const bodySchema = (operationId: string): Obj => opOf(operationId).requestBody.content['application/json'].schema;
const successOf = (operationId: string): ResponseNode => {
  const op = getOperation(operationId);
  return opOf(operationId).responses[String(op.successStatus ?? 200)]!;
};

/** Every property schema reachable from a schema, with its path (through $refs, once each). */
function properties(schema: Obj, path: string, seen = new Set<string>()): [string, unknown][] {
  if (typeof schema.$ref === 'string') {
    if (seen.has(schema.$ref)) return [];
    seen.add(schema.$ref);
    return properties(v.resolve(schema.$ref) as Obj, `${path}(${schema.$ref.split('/').pop()})`, seen);
  }
  const out: [string, unknown][] = [];
  for (const [k, p] of Object.entries((schema.properties ?? {}) as Obj)) {
    out.push([`${path}.${k}`, p]);
    if (p && typeof p === 'object') out.push(...properties(p as Obj, `${path}.${k}`, seen));
  }
  if (schema.items && typeof schema.items === 'object') out.push([`${path}[]`, schema.items], ...properties(schema.items as Obj, `${path}[]`, seen));
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) for (const s of (schema[k] ?? []) as Obj[]) out.push(...properties(s, path, seen));
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
    out.push(...properties(schema.additionalProperties as Obj, `${path}{}`, seen));
  return out;
}

const isEmptySchema = (s: unknown) => s === true || (typeof s === 'object' && s !== null && Object.keys(s).filter((k) => k !== 'description').length === 0);

describe('openapi.json: every response field has a real type', () => {
  it('no response property is an empty schema (124 were `{}` before)', () => {
    const empty: string[] = [];
    let checked = 0;
    for (const op of operations) {
      for (const [path, schema] of properties(successOf(op.operationId).content['application/json'].schema, op.operationId)) {
        checked++;
        if (isEmptySchema(schema)) empty.push(path);
      }
    }
    expect(empty).toEqual([]);
    expect(checked).toBeGreaterThan(300);
  });
});

describe('openapi.json: the spec says every rule the handlers check', () => {
  const amountFields: [string, string][] = [
    ['createTransfer', 'amount'],
    ['createExchangeLock', 'amount'],
    ['createPartnerExchangeLock', 'amount'],
    ['createExchange', 'amount'],
    ['createPartnerExchange', 'amount'],
    ['createCryptoWithdrawal', 'amount'],
    ['createPartnerCryptoWithdrawal', 'amount'],
    ['createSepaTransfer', 'amount'],
    ['createPartnerSepaTransfer', 'amount'],
  ];

  it.each(amountFields)('%s: %s refuses "0", "0.00", "-1", "1e3" and 21 integer digits', (id, field) => {
    const schema = deref(bodySchema(id)).properties[field] as Obj;
    for (const bad of ['0', '0.00', '-1', '1e3', '100000000000000000000', '01', '.5', '1.']) expect(v.valid(schema, bad), `${id} ${bad}`).toBe(false);
    expect(v.valid(schema, '10.50')).toBe(true);
  });

  it('per-currency precision is in the schema: 10.001 EUR and 0.000000001 BTC are spec-invalid, 10.001 BTC is valid', () => {
    const transfer = bodySchema('createTransfer');
    expect(v.valid(transfer, { direction: 'FUNDING', amount: '10.001', currency: 'eur' })).toBe(false);
    expect(v.valid(transfer, { direction: 'FUNDING', amount: '10.001', currency: 'EUR' })).toBe(false);
    expect(v.valid(transfer, { direction: 'FUNDING', amount: '0.000000001', currency: 'btc' })).toBe(false);
    expect(v.valid(transfer, { direction: 'FUNDING', amount: '10.001', currency: 'btc' })).toBe(true);
    expect(v.valid(bodySchema('createExchangeLock'), { currencyFrom: 'eur', currencyTo: 'btc', amount: '5.001' })).toBe(false);
    expect(v.valid(bodySchema('createExchangeLock'), { currencyFrom: 'eur', currencyTo: 'EUR', amount: '5' })).toBe(false);
    const sepa = deref(bodySchema('createSepaTransfer')).properties.amount as Obj;
    expect(v.valid(sepa, '1.001')).toBe(false);
    expect(v.valid(sepa, '1000000000')).toBe(false);
  });

  it('case-insensitive enums list the spellings they accept (lower and upper case; mixed case is refused by both faces)', () => {
    const currency = deref(bodySchema('createTransfer')).properties.currency as Obj;
    expect(currency.enum).toEqual(expect.arrayContaining(['eur', 'EUR', 'usdc', 'USDC']));
    expect(currency.enum).not.toContain('Eur');
    const network = deref(bodySchema('createCryptoWithdrawal')).properties.network as Obj;
    expect(network.enum).toEqual(['ethereum', 'polygon', 'ETHEREUM', 'POLYGON']);
    const contentType = deref(bodySchema('createUploadUrl')).properties.contentType as Obj;
    expect(contentType.enum).toEqual(expect.arrayContaining(['image/jpeg', 'IMAGE/JPEG', 'application/pdf']));
  });

  it('IBAN, dates and e-mail have patterns that refuse what the handlers refuse', () => {
    const iban = deref(bodySchema('createSepaTransfer')).properties.destinationIban as Obj;
    expect(v.valid(iban, 'DE89 3704 0044 0532 0130 00')).toBe(true);
    for (const bad of ['DE89', 'XX', 'DE89  3704 0044 0532 0130 00', 'DE8937040044053201300!']) expect(v.valid(iban, bad), bad).toBe(false);
    const user = deref(bodySchema('createUserWithoutKyc')).properties as { birthDate: Obj; email: Obj };
    for (const bad of ['1990-02-30', '1990-14-01', '1991-02-29']) expect(v.valid(user.birthDate, bad), bad).toBe(false);
    expect(v.valid(user.birthDate, '1992-02-29')).toBe(true);
    expect(v.valid(user.email, 'a@b-.example.com')).toBe(false);
    const verification = deref(bodySchema('addUserVerification')).properties as { documentExpiryDate: Obj };
    expect(v.valid(verification.documentExpiryDate, '2030-02-30')).toBe(false);
  });

  it('PATCH /users needs at least one field, travel-rule details must not be empty, POA uploads are unique', () => {
    expect(deref(bodySchema('updateUser')).minProperties).toBe(1);
    expect(v.valid(bodySchema('updateUser'), {})).toBe(false);
    const travel = bodySchema('updateTravelRule');
    expect(v.valid(travel, { walletType: 'CUSTODIAL', details: {} })).toBe(false);
    expect(v.valid(travel, { walletType: 'CUSTODIAL', details: { firstName: 'A' } })).toBe(true);
    const id = '9b2f4c1e-7a3d-4e5f-8a6b-1c2d3e4f5a6b';
    expect(v.valid(bodySchema('addPoaFile'), { uploadIds: [id, id] })).toBe(false);
  });

  it('network only for usdc/usdt and the SEPA level-2 receiver set are JSON Schema rules', () => {
    const w = { currency: 'eth', amount: '0.01', walletAddress: '0xabcdef0123456789abcdef', name: 'Jane', walletType: 'OTHER', receiverType: 'LEGAL' };
    expect(v.valid(bodySchema('createCryptoWithdrawal'), w)).toBe(true);
    expect(v.valid(bodySchema('createCryptoWithdrawal'), { ...w, network: 'polygon' })).toBe(false);
    expect(v.valid(bodySchema('createCryptoWithdrawal'), { ...w, currency: 'USDT', amount: '1.5', network: 'polygon' })).toBe(true);
    const s = { amount: '1.00', currency: 'eur', destinationIban: 'DE89370400440532013000', transferTitle: 't' };
    expect(v.valid(bodySchema('createSepaTransfer'), { ...s, receiverFirstName: 'A' })).toBe(false);
    expect(v.valid(bodySchema('createSepaTransfer'), { ...s, receiverType: 'NATURAL', receiverFirstName: 'A' })).toBe(false);
    expect(v.valid(bodySchema('createSepaTransfer'), { ...s, receiverType: 'NATURAL', receiverFirstName: 'A', receiverLastName: 'B' })).toBe(true);
    expect(v.valid(bodySchema('createSepaTransfer'), { ...s, receiverType: 'LEGAL', companyName: 'C', receiverLastName: 'B' })).toBe(false);
  });

  it('daily ≤ monthly card limits, which JSON Schema cannot compare, are in the description and in x-p100-rules', () => {
    const limits = deref(bodySchema('updateCardLimits'));
    expect(limits.description).toMatch(/`dailyTrxAll` ≤ `monthlyTrxAll`/);
    expect(limits['x-p100-rules']).toEqual([
      {
        lessOrEqual: [
          ['dailyTrxAll', 'monthlyTrxAll'],
          ['dailyTrxAtm', 'monthlyTrxAtm'],
          ['dailyTrxEcom', 'monthlyTrxEcom'],
        ],
      },
    ]);
  });

  it('query parameters carry their cross-parameter rules in x-p100-query-rules', () => {
    expect(opOf('getExchangeRate')['x-p100-query-rules'].allOf).toHaveLength(2);
    expect(opOf('getNetworkFee')['x-p100-query-rules'].allOf).toHaveLength(1);
  });

  it('path ids refuse dot segments and separators', () => {
    for (const op of operations) {
      for (const p of opOf(op.operationId).parameters.filter((x) => x.in === 'path')) {
        for (const bad of ['.', '..', 'a/b', 'a%2Fb', 'a\\b', '', 'a\nb'])
          expect(v.valid(p.schema, bad), `${op.operationId} ${p.name} ${JSON.stringify(bad)}`).toBe(false);
      }
    }
  });
});

/**
 * Refinements (`.refine`, `.superRefine`) have no JSON Schema form: each must come with the metadata that says
 * it in the document (`withRules` attaches `allOf`/`minProperties`/`x-p100-rules`; `uniqueItems` by hand).
 * Walks a request schema and lists the refined nodes that carry none.
 */
function unspokenRefinements(schema: z.ZodType, path: string): string[] {
  const def = (schema as unknown as { _zod: { def: Obj } })._zod.def;
  const out: string[] = [];
  const custom = ((def.checks ?? []) as { _zod?: { def?: { check?: string } } }[]).some((c) => c._zod?.def?.check === 'custom');
  const meta = (z.globalRegistry.get(schema) ?? {}) as Obj;
  if (custom && !['allOf', 'minProperties', 'x-p100-rules', 'uniqueItems'].some((k) => k in meta)) out.push(path);
  const children: [string, z.ZodType][] = [];
  if (def.type === 'object') for (const [k, v] of Object.entries(def.shape as Record<string, z.ZodType>)) children.push([`${path}.${k}`, v]);
  if (def.innerType) children.push([path, def.innerType as z.ZodType]);
  if (def.type === 'pipe') children.push([path, def.in as z.ZodType]);
  if (def.type === 'array') children.push([`${path}[]`, def.element as z.ZodType]);
  if (def.type === 'union') for (const [i, o] of (def.options as z.ZodType[]).entries()) children.push([`${path}|${i}`, o]);
  for (const [p, c] of children) out.push(...unspokenRefinements(c, p));
  return out;
}

describe('openapi.json: no rule of a request schema is invisible', () => {
  it('every refinement of every request schema has its JSON Schema counterpart', () => {
    const unspoken = operations.flatMap((op) =>
      (['params', 'query', 'body'] as const).flatMap((part) => (op.request[part] ? unspokenRefinements(op.request[part], `${op.operationId}.${part}`) : [])),
    );
    expect(unspoken).toEqual([]);
    // The walk does see a bare refinement.
    expect(unspokenRefinements(z.object({ a: z.string().refine(() => true) }), 'x')).toEqual(['x.a']);
  });
});

describe('openapi.json: readable and generatable', () => {
  it('names the schemas apps handle', () => {
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Balance',
        'Balances',
        'User',
        'Exchange',
        'ExchangeLock',
        'Transfer',
        'Withdrawal',
        'SepaTransfer',
        'Card',
        'CardLimits',
        'Transaction',
        'ProblemDetails',
      ]),
    );
    expect(successOf('getTransfer').content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Transfer' });
  });

  it('has one request and response example per operation, valid against both the document and the handler schemas', () => {
    for (const op of operations) {
      const ex = examples[op.operationId];
      expect(ex, `${op.operationId} has no example`).toBeDefined();
      if (!ex) continue;
      const o = opOf(op.operationId);
      const media = successOf(op.operationId).content['application/json'];
      expect(media.example, op.operationId).toEqual(ex.response);
      expect(v.errors(media.schema, ex.response), `${op.operationId} response`).toEqual([]);
      expect(op.response.safeParse(ex.response).success, `${op.operationId} response (zod)`).toBe(true);
      if (op.request.body) {
        expect(ex.body, `${op.operationId} needs a body example`).toBeDefined();
        expect(v.errors(o.requestBody.content['application/json'].schema, ex.body), `${op.operationId} body`).toEqual([]);
        expect(op.request.body.safeParse(ex.body).success, `${op.operationId} body (zod)`).toBe(true);
      }
      const params = o.parameters.filter((p) => p.in === 'path' || p.in === 'query');
      for (const p of params) {
        const value = p.in === 'path' ? ex.params?.[p.name] : ex.query?.[p.name];
        if (p.required) expect(value, `${op.operationId} ${p.name} example`).toBeDefined();
        if (value !== undefined) expect(v.errors(p.schema, value), `${op.operationId} ${p.name}`).toEqual([]);
      }
      if (op.request.params) expect(op.request.params.safeParse(ex.params ?? {}).success, `${op.operationId} params (zod)`).toBe(true);
      if (op.request.query) {
        const query = Object.fromEntries(Object.entries(ex.query ?? {}).map(([k, x]) => [k, String(x)]));
        expect(op.request.query.safeParse(query).success, `${op.operationId} query (zod)`).toBe(true);
      }
    }
  });

  it('describes every parameter', () => {
    const undescribed = operations.flatMap((op) =>
      (opOf(op.operationId).parameters as Obj[])
        .filter((p) => !p.$ref && !(typeof p.description === 'string' && p.description.length > 10))
        .map((p) => `${op.operationId} ${p.name}`),
    );
    expect(undescribed).toEqual([]);
  });

  it('links create operations to the reads of what they created, with every path parameter of the target', () => {
    let links = 0;
    for (const op of operations) {
      for (const link of Object.values(successOf(op.operationId).links ?? {})) {
        links++;
        const target = getOperation(link.operationId);
        const names = [...target.route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(Object.keys(link.parameters).sort(), `${op.operationId} → ${target.operationId}`).toEqual(names.sort());
        for (const expr of Object.values(link.parameters)) expect(expr).toMatch(/^\$(request\.path\.\w+|request\.body#\/\w+|response\.body#\/\w+)$/);
      }
    }
    expect(links).toBeGreaterThanOrEqual(12);
    expect(successOf('createTransfer').links?.GetTransfer).toMatchObject({
      operationId: 'getTransfer',
      parameters: { transferId: '$response.body#/transferId' },
    });
  });

  it("documents API Gateway's own 403 and 429 on every operation, and a local server", () => {
    for (const op of operations) {
      expect(opOf(op.operationId).responses['403'], op.operationId).toEqual({ $ref: '#/components/responses/Forbidden' });
      expect(opOf(op.operationId).responses['429'], op.operationId).toEqual({ $ref: '#/components/responses/TooManyRequests' });
    }
    expect(doc.components.responses.Forbidden.content['application/json'].example).toEqual({ message: 'Forbidden' });
    expect(doc.components.responses.TooManyRequests.content['application/json'].example).toEqual({ message: 'Too Many Requests' });
    expect((doc.servers as Obj[]).map((s) => s.url)).toContain('http://127.0.0.1:3000');
  });

  it('the validator used here does refuse (it is not a yes-machine)', () => {
    const schema: Schema = { type: 'object', properties: { a: { type: 'string', pattern: '^x$' } }, required: ['a'], additionalProperties: false };
    expect(v.valid(schema, { a: 'x' })).toBe(true);
    expect(v.valid(schema, { a: 'y' })).toBe(false);
    expect(v.valid(schema, {})).toBe(false);
    expect(v.valid(schema, { a: 'x', b: 1 })).toBe(false);
    expect(() => v.valid({ unknownKeyword: 1 }, 1)).toThrow();
  });
});
