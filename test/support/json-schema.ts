/**
 * A small JSON Schema (2020-12) validator for the subset openapi.json uses, so tests can check values
 * against the document itself without a validator package (none is installed; Redocly bundles its own).
 * Strict by design: a keyword it does not know throws, so a schema can never pass by being misunderstood.
 */

export type Schema = boolean | Record<string, unknown>;

const ANNOTATIONS = new Set(['description', 'title', 'example', 'examples', 'default', 'readOnly', 'writeOnly', 'deprecated', '$schema', 'id']);
const FORMATS_CHECKED_BY_PATTERN = new Set(['date', 'date-time', 'email', 'uuid']);

export class SchemaValidator {
  readonly #regexps = new Map<string, RegExp>();
  constructor(readonly root: Record<string, unknown> = {}) {}

  #regexp(pattern: string): RegExp {
    let re = this.#regexps.get(pattern);
    if (!re) {
      re = new RegExp(pattern, 'u');
      this.#regexps.set(pattern, re);
    }
    return re;
  }

  /** Resolves `#/components/schemas/X` (or any local JSON pointer) in the root document. */
  resolve(ref: string): Schema {
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
    let cur: unknown = this.root;
    for (const part of ref.slice(2).split('/')) cur = (cur as Record<string, unknown>)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (cur === undefined) throw new Error(`unresolved $ref ${ref}`);
    return cur as Schema;
  }

  /** The reasons `value` fails `schema` (empty when it is valid). */
  errors(schema: Schema, value: unknown, path = '$'): string[] {
    if (schema === true) return [];
    if (schema === false) return [`${path}: no value is allowed`];
    const out: string[] = [];
    const s = schema;
    for (const key of Object.keys(s)) {
      if (ANNOTATIONS.has(key) || key.startsWith('x-')) continue;
      const v = s[key];
      switch (key) {
        case '$ref':
          out.push(...this.errors(this.resolve(v as string), value, path));
          break;
        case 'type': {
          const types = Array.isArray(v) ? (v as string[]) : [v as string];
          if (!types.some((t) => hasType(value, t))) out.push(`${path}: not of type ${types.join('|')}`);
          break;
        }
        case 'enum':
          if (!(v as unknown[]).some((e) => deepEqual(e, value))) out.push(`${path}: not one of the enum`);
          break;
        case 'const':
          if (!deepEqual(v, value)) out.push(`${path}: not the const`);
          break;
        case 'pattern':
          if (typeof value === 'string' && !this.#regexp(v as string).test(value)) out.push(`${path}: does not match ${v as string}`);
          break;
        case 'minLength':
          if (typeof value === 'string' && [...value].length < (v as number)) out.push(`${path}: shorter than ${v as number}`);
          break;
        case 'maxLength':
          if (typeof value === 'string' && [...value].length > (v as number)) out.push(`${path}: longer than ${v as number}`);
          break;
        case 'format':
          if (typeof value === 'string' && v === 'uri' && !isUri(value)) out.push(`${path}: not a URI`);
          else if (v !== 'uri' && !FORMATS_CHECKED_BY_PATTERN.has(v as string)) throw new Error(`format ${v as string} is not supported`);
          else if (v !== 'uri' && typeof s.pattern !== 'string') throw new Error(`format ${v as string} without a pattern`);
          break;
        case 'minimum':
          if (typeof value === 'number' && value < (v as number)) out.push(`${path}: below ${v as number}`);
          break;
        case 'maximum':
          if (typeof value === 'number' && value > (v as number)) out.push(`${path}: above ${v as number}`);
          break;
        case 'exclusiveMinimum':
          if (typeof value === 'number' && value <= (v as number)) out.push(`${path}: not above ${v as number}`);
          break;
        case 'exclusiveMaximum':
          if (typeof value === 'number' && value >= (v as number)) out.push(`${path}: not below ${v as number}`);
          break;
        case 'properties':
          if (isObject(value))
            for (const [k, ps] of Object.entries(v as Record<string, Schema>)) if (k in value) out.push(...this.errors(ps, value[k], `${path}.${k}`));
          break;
        case 'required':
          if (isObject(value)) for (const k of v as string[]) if (!(k in value)) out.push(`${path}: ${k} is required`);
          break;
        case 'additionalProperties':
          if (isObject(value)) {
            const known = new Set(Object.keys((s.properties ?? {}) as object));
            for (const k of Object.keys(value))
              if (!known.has(k))
                out.push(...this.errors(v as Schema, value[k], `${path}.${k}`).map((e) => (v === false ? `${path}: unknown property ${k}` : e)));
          }
          break;
        case 'propertyNames':
          if (isObject(value)) for (const k of Object.keys(value)) out.push(...this.errors(v as Schema, k, `${path}[key ${k}]`));
          break;
        case 'minProperties':
          if (isObject(value) && Object.keys(value).length < (v as number)) out.push(`${path}: fewer than ${v as number} properties`);
          break;
        case 'items':
          if (Array.isArray(value)) for (const [i, x] of value.entries()) out.push(...this.errors(v as Schema, x, `${path}[${i}]`));
          break;
        case 'minItems':
          if (Array.isArray(value) && value.length < (v as number)) out.push(`${path}: fewer than ${v as number} items`);
          break;
        case 'maxItems':
          if (Array.isArray(value) && value.length > (v as number)) out.push(`${path}: more than ${v as number} items`);
          break;
        case 'uniqueItems':
          if (v === true && Array.isArray(value) && new Set(value.map((x) => JSON.stringify(x))).size !== value.length)
            out.push(`${path}: items are not unique`);
          break;
        case 'allOf':
          for (const sub of v as Schema[]) out.push(...this.errors(sub, value, path));
          break;
        case 'anyOf':
          if (!(v as Schema[]).some((sub) => this.errors(sub, value, path).length === 0)) out.push(`${path}: matches no anyOf branch`);
          break;
        case 'oneOf':
          if ((v as Schema[]).filter((sub) => this.errors(sub, value, path).length === 0).length !== 1)
            out.push(`${path}: does not match exactly one oneOf branch`);
          break;
        case 'not':
          if (this.errors(v as Schema, value, path).length === 0) out.push(`${path}: matches a schema it must not`);
          break;
        case 'if':
          if (this.errors(v as Schema, value, path).length === 0) {
            if (s.then !== undefined) out.push(...this.errors(s.then as Schema, value, path));
          } else if (s.else !== undefined) out.push(...this.errors(s.else as Schema, value, path));
          break;
        case 'then':
        case 'else':
          break;
        default:
          throw new Error(`JSON Schema keyword ${key} is not supported by test/support/json-schema.ts`);
      }
    }
    return out;
  }

  valid(schema: Schema, value: unknown): boolean {
    return this.errors(schema, value).length === 0;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasType(v: unknown, t: string): boolean {
  switch (t) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    default:
      throw new Error(`type ${t} is not supported`);
  }
}

function isUri(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
