import * as z from 'zod';
import type { Drift } from './types.js';

/**
 * The strict reading of an answer (issue 16 item 2). The suite parses P100 tolerantly (unknown fields pass
 * through, optional fields may be absent); this walk holds the same body against the same catalog schema and
 * REPORTS, without failing, every difference a tolerant parse hides: a field the schema does not list
 * (`field-unknown`), a required field that is absent (`field-missing`), a value of another JSON type
 * (`field-type`), and a value outside an enum or outside the lifecycle table of a status field (`enum-value`).
 *
 * It walks the schema's JSON Schema on the input side (zod 4's own `toJSONSchema`, `io: 'input'`): that is the
 * shape P100 sends, before our transforms (an amount is `string | number` there, a decimal string after).
 * Values never enter a drift's text except enum values (statuses, which are public).
 */

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  $defs?: Record<string, JsonSchema>;
};

export interface StrictCheckOptions {
  /**
   * Allowed values by field path (`status`, `cards[].status`), read case-insensitively (ASSUMPTIONS A3): the
   * states of the lifecycle the field walks (shared/webhooks/lifecycles.ts).
   */
  allowedValues?: Readonly<Record<string, readonly string[]>>;
}

const cache = new WeakMap<z.ZodType, JsonSchema>();

/** The input-side JSON Schema of a catalog schema, built once per schema. */
export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  let js = cache.get(schema);
  if (!js) {
    // `any` for what JSON Schema cannot say (a custom refinement): the walk then accepts any value there.
    js = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any', reused: 'inline' }) as JsonSchema;
    cache.set(schema, js);
  }
  return js;
}

/**
 * Every difference between `body` and `schema`, at most one drift per (kind, field): the first array element
 * that differs stands for the others.
 *
 * @example
 * checkStrict(z.looseObject({ id: z.string() }), { id: 1, extra: true })
 * // [{ kind: 'field-type', field: 'id', ... }, { kind: 'field-unknown', field: 'extra', ... }]
 */
export function checkStrict(schema: z.ZodType, body: unknown, options: StrictCheckOptions = {}): Drift[] {
  const root = inputJsonSchema(schema);
  const out = new Map<string, Drift>();
  walk(root, body, '', root.$defs ?? {}, options, out);
  return [...out.values()];
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(allowed: string, actual: string): boolean {
  return allowed === actual || (allowed === 'number' && actual === 'integer');
}

function resolve(node: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema {
  let n = node;
  for (let i = 0; n.$ref && i < 16; i++) {
    const name = /^#\/\$defs\/(.+)$/.exec(n.$ref)?.[1];
    const target = name === undefined ? undefined : defs[decodeURIComponent(name)];
    if (!target) return {};
    n = target;
  }
  return n;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function add(out: Map<string, Drift>, d: Drift): void {
  const k = `${d.kind} ${d.field ?? ''}`;
  if (!out.has(k)) out.set(k, d);
}

/** The JSON types a schema admits, or undefined when it does not say (`{}`, a union decided per branch). */
function typesOf(n: JsonSchema): string[] | undefined {
  if (n.type !== undefined) return Array.isArray(n.type) ? n.type : [n.type];
  if (n.const !== undefined) return [jsonType(n.const)];
  if (n.enum) return [...new Set(n.enum.map(jsonType))];
  return undefined;
}

function walk(node: JsonSchema, value: unknown, path: string, defs: Record<string, JsonSchema>, o: StrictCheckOptions, out: Map<string, Drift>): void {
  const n = resolve(node, defs);
  const field = path || '(body)';
  const branches = n.anyOf ?? n.oneOf;
  if (branches) {
    // The branch that explains the value best: the one leaving the fewest drifts (none, for a value that fits).
    let best: Map<string, Drift> | undefined;
    for (const b of branches) {
      const types = typesOf(resolve(b, defs));
      if (types && !types.some((t) => typeMatches(t, jsonType(value)))) continue;
      const m = new Map<string, Drift>();
      walk(b, value, path, defs, o, m);
      if (!best || m.size < best.size) best = m;
      if (m.size === 0) break;
    }
    if (!best) {
      const expected = branches.flatMap((b) => typesOf(resolve(b, defs)) ?? []);
      add(out, { kind: 'field-type', field, detail: `${field}: expected ${[...new Set(expected)].join(' | ')}, got ${jsonType(value)}` });
      return;
    }
    for (const d of best.values()) add(out, d);
    return;
  }
  const types = typesOf(n);
  const actual = jsonType(value);
  if (types && !types.some((t) => typeMatches(t, actual))) {
    add(out, { kind: 'field-type', field, detail: `${field}: expected ${types.join(' | ')}, got ${actual}` });
    return;
  }
  if (n.enum && !n.enum.includes(value)) {
    add(out, { kind: 'enum-value', field, detail: `${field}: ${JSON.stringify(value)} is not one of ${n.enum.map((v) => JSON.stringify(v)).join(', ')}` });
  }
  if (n.const !== undefined && n.const !== value) {
    add(out, { kind: 'enum-value', field, detail: `${field}: ${JSON.stringify(value)} is not ${JSON.stringify(n.const)}` });
  }
  const allowed = o.allowedValues?.[path];
  if (allowed && typeof value === 'string' && !allowed.includes(value.toUpperCase())) {
    add(out, { kind: 'enum-value', field, detail: `${field}: ${JSON.stringify(value)} is outside the lifecycle table (${allowed.join(', ')})` });
  }
  if (actual === 'object') walkObject(n, value as Record<string, unknown>, path, defs, o, out);
  if (actual === 'array' && n.items) for (const item of value as unknown[]) walk(n.items, item, `${path}[]`, defs, o, out);
}

function walkObject(
  n: JsonSchema,
  obj: Record<string, unknown>,
  path: string,
  defs: Record<string, JsonSchema>,
  o: StrictCheckOptions,
  out: Map<string, Drift>,
): void {
  const props = n.properties;
  if (!props) {
    // A record (`networkConfig` keyed by network): every value against the value schema, no key is unknown.
    if (typeof n.additionalProperties === 'object') for (const v of Object.values(obj)) walk(n.additionalProperties, v, join(path, '*'), defs, o, out);
    return;
  }
  for (const key of n.required ?? []) {
    if (!Object.hasOwn(obj, key)) add(out, { kind: 'field-missing', field: join(path, key), detail: `${join(path, key)}: required by the catalog, absent` });
  }
  for (const [key, v] of Object.entries(obj)) {
    const child = props[key];
    if (child === undefined) {
      add(out, { kind: 'field-unknown', field: join(path, key), detail: `${join(path, key)}: not in the catalog schema (${jsonType(v)})` });
      continue;
    }
    walk(child, v, join(path, key), defs, o, out);
  }
}
