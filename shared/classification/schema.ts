import type { Operation } from '../catalog/types.js';
import { classOf, type DataClass } from './fields.js';

/**
 * How the catalog carries the classification: every field name an operation's request and response
 * schemas can hold, read from the zod 4 schemas themselves (so a new field is classified or a test fails),
 * and each name's class.
 */

/** Every object key reachable in a zod 4 schema (objects, arrays, unions, optionals, pipes, records...). */
export function schemaFieldNames(schema: unknown, out = new Set<string>(), depth = 0): Set<string> {
  if (!schema || typeof schema !== 'object' || depth > 25) return out;
  const def = (schema as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  if (!def) return out;
  const walk = (s: unknown) => schemaFieldNames(s, out, depth + 1);
  switch (def.type) {
    case 'object':
      for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) {
        out.add(k);
        walk(v);
      }
      if (def.catchall) walk(def.catchall);
      break;
    case 'array':
      walk(def.element);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
    case 'prefault':
      walk(def.innerType);
      break;
    case 'pipe':
      walk(def.in);
      walk(def.out);
      break;
    case 'union':
      for (const o of def.options as unknown[]) walk(o);
      break;
    case 'intersection':
      walk(def.left);
      walk(def.right);
      break;
    case 'record':
      walk(def.valueType);
      break;
    case 'lazy':
      walk((def.getter as () => unknown)());
      break;
    default:
      break;
  }
  return out;
}

export type OperationPart = 'params' | 'query' | 'body' | 'response';

/** The field names of each part of an operation (request params, query, body; response). */
export function operationFields(op: Pick<Operation, 'request' | 'response'>): Record<OperationPart, string[]> {
  const names = (s: unknown) => [...schemaFieldNames(s)].sort();
  return { params: names(op.request.params), query: names(op.request.query), body: names(op.request.body), response: names(op.response) };
}

/**
 * The classified fields of an operation, by class (`public` includes names the table does not know).
 *
 * @example
 * operationDataClasses(catalog.createCard).secret // ['cardNumber', 'cvv', 'exp', 'pin']
 */
export function operationDataClasses(op: Pick<Operation, 'request' | 'response'>): Record<DataClass, string[]> {
  const all = new Set(Object.values(operationFields(op)).flat());
  const out: Record<DataClass, string[]> = { secret: [], personal: [], public: [] };
  for (const f of [...all].sort()) out[classOf(f)].push(f);
  return out;
}
