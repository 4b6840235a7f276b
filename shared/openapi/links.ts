import type { Operation } from '../catalog/types.js';

/**
 * The `links` object of an operation's success response, from the catalog entry's `links` (an operation
 * that creates something, to the operation that reads it), or undefined. A client (or a reader) sees
 * which field of the answer feeds which parameter.
 */
export function linksOf(op: Pick<Operation, 'links'>): Record<string, unknown> | undefined {
  if (!op.links) return undefined;
  return Object.fromEntries(op.links.map((l) => [l.name, { operationId: l.operationId, parameters: l.parameters, description: l.description }]));
}
