import * as partner from './partner.js';
import * as users from './users.js';
import type { Operation } from './types.js';

export * from './types.js';
export * as schemas from './schemas.js';

function collect(...modules: Record<string, unknown>[]): Operation[] {
  return modules.flatMap((m) => Object.values(m).filter(isOperation));
}

function isOperation(v: unknown): v is Operation {
  return typeof v === 'object' && v !== null && 'operationId' in v && 'route' in v && 'kind' in v;
}

/** Every company-facing operation, in catalog order. */
export const operations: readonly Operation[] = collect(partner, users);

/** The catalog keyed by operationId. */
export const catalog: Readonly<Record<string, Operation>> = Object.fromEntries(operations.map((op) => [op.operationId, op]));

export function getOperation(operationId: string): Operation {
  const op = catalog[operationId];
  if (!op) throw new Error(`Unknown operationId "${operationId}": add it to shared/catalog/`);
  return op;
}
