import fc from 'fast-check';
import { type Schema, SchemaValidator } from './json-schema.js';

/**
 * Requests generated from openapi.json alone (issue 13, item 6): fast-check arbitraries for the valid
 * requests of an operation, read from its parameters and request body (JSON Schema, with `if`/`then`,
 * `not`, `minProperties` and the suite's `x-p100-rules` / `x-p100-query-rules` for what JSON Schema
 * cannot say), and an oracle that says whether a request is spec-valid. Only the document is read here:
 * nothing from the catalog, so the property test measures the document against the handlers.
 */

type Obj = Record<string, unknown>;

export interface SpecRequest {
  pathParameters: Record<string, string>;
  /** Typed as the schema says (integers as numbers); stringified when put on an event. */
  query: Record<string, unknown>;
  headers: Record<string, string>;
  /** `undefined`: no body at all. */
  body?: unknown;
  /** Overrides `body` with raw text (`null`, `[]`). */
  rawBody?: string;
}

export interface SpecOperation {
  operationId: string;
  method: string;
  path: string;
  pathParams: { name: string; schema: Obj }[];
  queryParams: { name: string; schema: Obj; required: boolean }[];
  /** JSON Schema of the whole query object: its parameters and their cross-parameter rules. */
  querySchema: Obj;
  headerParams: { name: string; schema: Obj; required: boolean }[];
  body?: { schema: Obj; required: boolean };
}

export function specOperations(doc: Obj): SpecOperation[] {
  const v = new SchemaValidator(doc);
  const out: SpecOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Obj)) {
    for (const [method, op] of Object.entries(item as Record<string, Obj>)) {
      const params = ((op.parameters ?? []) as Obj[]).map((p) => (p.$ref ? (v.resolve(p.$ref as string) as Obj) : p));
      const queryParams = params
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name as string, schema: p.schema as Obj, required: p.required === true }));
      out.push({
        operationId: op.operationId as string,
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name as string, schema: p.schema as Obj })),
        queryParams,
        querySchema: {
          type: 'object',
          properties: Object.fromEntries(queryParams.map((p) => [p.name, p.schema])),
          required: queryParams.filter((p) => p.required).map((p) => p.name),
          ...((op['x-p100-query-rules'] ?? {}) as Obj),
        },
        headerParams: params
          .filter((p) => p.in === 'header')
          .map((p) => ({ name: (p.name as string).toLowerCase(), schema: p.schema as Obj, required: p.required === true })),
        ...(op.requestBody
          ? {
              body: {
                schema: (op.requestBody as { content: Record<string, { schema: Obj }> }).content['application/json']!.schema,
                required: (op.requestBody as Obj).required === true,
              },
            }
          : {}),
      });
    }
  }
  return out;
}

/** Decimal strings compared exactly (no floating point), for `x-p100-rules: lessOrEqual`. */
function compareDecimal(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const len = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(len, '0'));
  const y = BigInt(bi + bf.padEnd(len, '0'));
  return x < y ? -1 : x > y ? 1 : 0;
}

export class SpecOracle {
  readonly v: SchemaValidator;
  constructor(readonly doc: Obj) {
    this.v = new SchemaValidator(doc);
  }

  deref(s: Schema): Schema {
    return typeof s === 'object' && typeof s.$ref === 'string' ? this.deref(this.v.resolve(s.$ref)) : s;
  }

  /** JSON Schema plus the `x-p100-rules` JSON Schema cannot say. */
  valid(schema: Schema, value: unknown): boolean {
    if (!this.v.valid(schema, value)) return false;
    const s = this.deref(schema);
    if (typeof s !== 'object' || typeof value !== 'object' || value === null) return true;
    for (const rule of (s['x-p100-rules'] ?? []) as Obj[]) {
      for (const [small, large] of (rule.lessOrEqual ?? []) as [string, string][]) {
        const a = (value as Obj)[small];
        const b = (value as Obj)[large];
        if (typeof a === 'string' && typeof b === 'string' && compareDecimal(a, b) > 0) return false;
      }
    }
    return true;
  }

  /** Whether a request is valid by the document: every parameter, the query's rules, headers and body. */
  requestValid(op: SpecOperation, r: SpecRequest): boolean {
    for (const p of op.pathParams) if (!(p.name in r.pathParameters) || !this.valid(p.schema, r.pathParameters[p.name])) return false;
    if (!this.valid(op.querySchema, this.wireQuery(op, r.query))) return false;
    for (const h of op.headerParams) {
      const value = r.headers[h.name];
      if (value === undefined ? h.required : !this.valid(h.schema, value)) return false;
    }
    if (r.rawBody !== undefined) return op.body !== undefined && this.valid(op.body.schema, JSON.parse(r.rawBody));
    if (op.body) return r.body === undefined ? !op.body.required : this.valid(op.body.schema, r.body);
    return r.body === undefined;
  }

  /**
   * The query as it travels: every value a string, read back as the parameter's type says (`"7"` is the
   * integer 7). So `page: "1"` and `page: 1` are the same request, as they are on the wire.
   */
  wireQuery(op: SpecOperation, query: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(query).map(([k, v]) => {
        const text = String(v);
        const schema = this.deref(op.queryParams.find((p) => p.name === k)?.schema ?? true) as Obj;
        return [k, schema.type === 'integer' && /^-?[0-9]+$/.test(text) ? Number(text) : text];
      }),
    );
  }

  readonly #arbs = new Map<string, fc.Arbitrary<unknown>>();

  /** An arbitrary of values valid for `schema` (built once per distinct schema). */
  arb(schema: Schema): fc.Arbitrary<unknown> {
    const key = JSON.stringify(schema);
    let a = this.#arbs.get(key);
    if (!a) {
      a = this.#build(schema);
      this.#arbs.set(key, a);
    }
    return a;
  }

  #build(schema: Schema): fc.Arbitrary<unknown> {
    const s = this.deref(schema);
    if (s === true) return fc.constant('x');
    if (s === false) throw new Error('no value fits the schema false');
    if ('const' in s) return fc.constant(s.const);
    if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
    switch (s.type) {
      case 'string': {
        const min = (s.minLength as number | undefined) ?? 0;
        const max = (s.maxLength as number | undefined) ?? Number.POSITIVE_INFINITY;
        const fits = (x: string) => [...x].length >= min && [...x].length <= max;
        if (typeof s.pattern === 'string') return fc.stringMatching(new RegExp(s.pattern as string)).filter(fits);
        if (s.format === 'uri') return fc.webUrl();
        return fc.string({ minLength: min, maxLength: Math.min(max, min + 20) });
      }
      case 'integer':
        return fc.integer({ min: (s.minimum as number | undefined) ?? -1000, max: (s.maximum as number | undefined) ?? 1000 });
      case 'boolean':
        return fc.boolean();
      case 'array': {
        const item = this.arb(s.items as Schema);
        const constraints = { minLength: (s.minItems as number | undefined) ?? 0, maxLength: Math.min((s.maxItems as number | undefined) ?? 3, 3) };
        return s.uniqueItems ? fc.uniqueArray(item, { ...constraints, selector: (x) => JSON.stringify(x) }) : fc.array(item, constraints);
      }
      case 'object':
        return this.objectArb(s);
      default:
        throw new Error(`cannot generate values of ${JSON.stringify(s).slice(0, 120)}`);
    }
  }

  private objectArb(s: Obj): fc.Arbitrary<unknown> {
    const props = (s.properties ?? {}) as Record<string, Schema>;
    const required = (s.required ?? []) as string[];
    let arb: fc.Arbitrary<Obj> = fc.record(Object.fromEntries(Object.entries(props).map(([k, p]) => [k, this.arb(p)])), {
      requiredKeys: required as never[],
    }) as fc.Arbitrary<Obj>;
    // Cross-field rules: where an `if` holds, draw the `then` fields again from the stricter schema.
    for (const rule of conditionals(s)) {
      arb = arb.chain((cur) => {
        if (!this.v.valid(rule.if, cur)) return fc.constant(cur);
        const then = rule.then as Obj;
        const fixes: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, p] of Object.entries((then.properties ?? {}) as Record<string, Schema>)) {
          if (p !== true && k in cur) fixes[k] = this.arb({ ...(this.deref(props[k] ?? true) as Obj), ...(p as Obj) });
        }
        for (const k of (then.required ?? []) as string[]) if (!(k in cur) && props[k]) fixes[k] = this.arb(props[k]);
        return fc.record(fixes).map((f) => withoutForbidden({ ...cur, ...f }, then.not as Obj | undefined));
      });
    }
    const lessOrEqual = ((s['x-p100-rules'] ?? []) as Obj[]).flatMap((r) => (r.lessOrEqual ?? []) as [string, string][]);
    return arb
      .map((o) => {
        const out = { ...o };
        for (const [small, large] of lessOrEqual) {
          if (typeof out[small] === 'string' && typeof out[large] === 'string' && compareDecimal(out[small], out[large]) > 0)
            [out[small], out[large]] = [out[large], out[small]];
        }
        return out;
      })
      .filter((o) => this.valid(s, o));
  }
}

/** The `if`/`then` pairs of a schema, through nested `allOf`. */
export function conditionals(s: Obj): { if: Schema; then: Schema }[] {
  const out: { if: Schema; then: Schema }[] = [];
  // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema if/then keyword, not a thenable
  if (s.if !== undefined && s.then !== undefined) out.push({ if: s.if as Schema, then: s.then as Schema });
  for (const sub of (s.allOf ?? []) as Obj[]) out.push(...conditionals(sub));
  return out;
}

/** The `not` branches of a schema, through nested `allOf`. */
export function negations(s: Obj): Obj[] {
  const out: Obj[] = [];
  if (s.not && typeof s.not === 'object') out.push(s.not as Obj);
  for (const sub of (s.allOf ?? []) as Obj[]) out.push(...negations(sub));
  return out;
}

/** Removes the fields a `then: { not: { required } }` (or `not: { anyOf: [{ required }] }`) forbids. */
function withoutForbidden(o: Obj, not: Obj | undefined): Obj {
  if (!not) return o;
  const names = [...((not.required ?? []) as string[]), ...((not.anyOf ?? []) as Obj[]).flatMap((b) => (b.required ?? []) as string[])];
  const out = { ...o };
  for (const n of names) delete out[n];
  return out;
}
