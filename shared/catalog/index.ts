import * as cards from './cards.js';
import * as contract from './contract.js';
import * as operatorConsole from './console.js';
import * as crypto from './crypto.js';
import * as documents from './documents.js';
import * as exchange from './exchange.js';
import * as inbox from './inbox.js';
import * as kyc from './kyc.js';
import * as partner from './partner.js';
import * as reconciliation from './reconciliation.js';
import * as sepa from './sepa.js';
import * as transfers from './transfers.js';
import * as users from './user-operations.js';
import type { Operation } from './types.js';

export { defineOperation, entryFileOf } from './types.js';
export type { Operation } from './types.js';
export { isLazyOperation, lazyCatalog, lazyOperation, type CatalogModule, type LazyOperation } from './lazy.js';

/**
 * Operations of each module, modules in the order given, then by route path and method: a stable order
 * whatever the runtime does with module namespaces (their key order is alphabetical in native ESM but
 * declaration order in some transpilers), so generated artifacts such as openapi.json are reproducible.
 */
function collect<const M extends readonly Record<string, unknown>[]>(...modules: M): OperationsOf<M[number]>[] {
  return modules.flatMap((m) =>
    Object.values(m)
      .filter((v): v is OperationsOf<M[number]> => isOperation(v))
      .sort((a, b) => a.route.path.localeCompare(b.route.path) || a.route.method.localeCompare(b.route.method)),
  );
}

function isOperation(v: unknown): v is Operation {
  return typeof v === 'object' && v !== null && 'operationId' in v && 'route' in v && 'kind' in v;
}

/** The operations a catalog module exports, with their literal types (the client package's methods are typed from them). */
type OperationsOf<M> = M extends unknown ? Extract<M[keyof M], Operation> : never;

/** The catalog's entries with their own types: the union is what the client package (client/) is generated from. */
const entries = collect(partner, users, documents, kyc, exchange, crypto, transfers, cards, sepa, inbox, reconciliation, contract, operatorConsole);

/** Every company-facing operation, in catalog order. */
export const operations: readonly Operation[] = entries;

/** One entry of the catalog, with its literal operationId, route and schemas. */
export type CatalogOperation = (typeof entries)[number];

/** The catalog keyed by operationId. */
/** operationIds are unique: a duplicate is a programming error caught at load. */
const seen = new Set<string>();
for (const op of operations) {
  if (seen.has(op.operationId)) throw new Error(`Duplicate operationId ${op.operationId} in the catalog`);
  seen.add(op.operationId);
}

export const catalog: Readonly<Record<string, Operation>> = Object.fromEntries(operations.map((op) => [op.operationId, op]));

export function getOperation(operationId: string): Operation {
  const op = catalog[operationId];
  if (!op) throw new Error(`Unknown operationId "${operationId}": add it to shared/catalog/`);
  return op;
}
