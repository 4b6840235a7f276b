import type { Operation, OperationKind } from './types.js';

/**
 * Catalog entries loaded one module at a time (issue 15, B2; issue 28). Importing the whole catalog built the
 * schemas of all operations in every function. `lazyOperation('getUserBalances')` instead imports only the
 * catalog module that declares the entry (and what that module imports), once per container; the entry files
 * await it at init (`await operationHandler(lazyOperation('x'))`), since every request of an operation needs
 * its own schemas: loading them on the first request only moved that work into the invoke phase, where
 * Lambda throttles CPU to the memory's share.
 *
 * Each catalog module is one dynamic `import()` here, so the build (esbuild code splitting) makes it a chunk
 * of the client layer of its own, and a function evaluates only its own module's chunk. The table below says
 * where each entry lives and two facts known before the entry is loaded: its kind (a write prefetches the
 * data key) and whether it calls P100 (the API key is prefetched while the entry loads).
 * test/unit/lazy-catalog.test.ts checks every row against the catalog.
 *
 * Adding an operation: declare it as before (a catalog module, one line in index.ts) and add its row here;
 * its entry file is `export const handler = await operationHandler(lazyOperation('x'))`. A new catalog
 * module also gets a line in `modules`.
 */
const modules = {
  cards: () => import('./cards.js'),
  console: () => import('./console.js'),
  contract: () => import('./contract.js'),
  crypto: () => import('./crypto.js'),
  documents: () => import('./documents.js'),
  exchange: () => import('./exchange.js'),
  inbox: () => import('./inbox.js'),
  kyc: () => import('./kyc.js'),
  partner: () => import('./partner.js'),
  reconciliation: () => import('./reconciliation.js'),
  sepa: () => import('./sepa.js'),
  transfers: () => import('./transfers.js'),
  'user-operations': () => import('./user-operations.js'),
} satisfies Record<string, () => Promise<object>>;

export type CatalogModule = keyof typeof modules;

/** operationId → [declaring module, kind, calls P100]. */
export const lazyCatalog: Readonly<Record<string, readonly [CatalogModule, OperationKind, boolean]>> = {
  addKycFile: ['documents', 'write', true],
  addPoaFile: ['documents', 'write', true],
  addUserVerification: ['user-operations', 'write', true],
  blockCard: ['cards', 'write', true],
  createCard: ['cards', 'money', true],
  createCryptoWithdrawal: ['crypto', 'money', true],
  createExchange: ['exchange', 'money', true],
  createExchangeLock: ['exchange', 'write', true],
  createKycVerification: ['kyc', 'write', true],
  createPartnerCryptoWithdrawal: ['partner', 'money', true],
  createPartnerExchange: ['partner', 'money', true],
  createPartnerExchangeLock: ['partner', 'write', true],
  createPartnerSepaTransfer: ['partner', 'money', true],
  createSepaTransfer: ['sepa', 'money', true],
  createTransfer: ['transfers', 'money', true],
  createUploadUrl: ['documents', 'write', false],
  createUser: ['user-operations', 'write', true],
  createUserWithoutKyc: ['user-operations', 'write', true],
  deleteCard: ['cards', 'write', true],
  deleteUser: ['user-operations', 'write', true],
  extendUser: ['user-operations', 'write', true],
  getCard: ['cards', 'read', true],
  getCardLimits: ['cards', 'read', true],
  getContractReport: ['contract', 'read', false],
  getCryptoWithdrawal: ['crypto', 'read', true],
  getExchange: ['exchange', 'read', true],
  getExchangeRate: ['exchange', 'read', true],
  getInboxEvent: ['console', 'read', false],
  getKycStatus: ['kyc', 'read', true],
  getKycVerificationRedirect: ['kyc', 'read', true],
  getNetworkFee: ['crypto', 'read', true],
  getOperationsOverview: ['console', 'read', false],
  getPartnerBalances: ['partner', 'read', true],
  getPartnerSepaDepositInfo: ['partner', 'read', true],
  getPartnerSepaTransfer: ['partner', 'read', true],
  getPartnerTransactions: ['partner', 'read', true],
  getReconciliationReport: ['reconciliation', 'read', false],
  getSepaTransfer: ['sepa', 'read', true],
  getTimeline: ['console', 'read', false],
  listExceptions: ['console', 'read', false],
  getException: ['console', 'read', false],
  changeException: ['console', 'write', false],
  getTransfer: ['transfers', 'read', true],
  getUserBalances: ['user-operations', 'read', true],
  getUserSepaDepositInfo: ['sepa', 'read', true],
  getUserTransactions: ['user-operations', 'read', true],
  listInboxEvents: ['inbox', 'read', false],
  listReconciliationRuns: ['console', 'read', false],
  listUserCards: ['cards', 'read', true],
  replayDeadInboxEvents: ['inbox', 'write', false],
  replayInboxEvent: ['inbox', 'write', false],
  startReconciliation: ['reconciliation', 'write', false],
  suspendUser: ['user-operations', 'write', true],
  unblockCard: ['cards', 'write', true],
  unsuspendUser: ['user-operations', 'write', true],
  updateCardLimits: ['cards', 'write', true],
  updateCardPin: ['cards', 'write', true],
  updateTravelRule: ['crypto', 'write', true],
  updateUser: ['user-operations', 'write', true],
};

/** What a handler knows of its operation before the entry is loaded. */
export interface LazyOperation {
  operationId: string;
  kind: OperationKind;
  /** Whether the operation calls P100 (its handler prefetches the API key at cold start). */
  callsUpstream: boolean;
  /** Imports the declaring module once and returns the entry. */
  load(): Promise<Operation>;
}

export function isLazyOperation(op: Operation | LazyOperation): op is LazyOperation {
  return typeof (op as Partial<LazyOperation>).load === 'function';
}

export function lazyOperation(operationId: string): LazyOperation {
  const row = lazyCatalog[operationId];
  if (!row) throw new Error(`Unknown operationId "${operationId}" for lazyOperation: add its row to shared/catalog/lazy.ts`);
  const [module, kind, callsUpstream] = row;
  let loading: Promise<Operation> | undefined;
  return {
    operationId,
    kind,
    callsUpstream,
    load() {
      loading ??= modules[module]().then(
        (m) => {
          const op = Object.values(m).find((v): v is Operation => typeof v === 'object' && v !== null && (v as Operation).operationId === operationId);
          if (!op) throw new Error(`shared/catalog/${module}.ts declares no operation "${operationId}" (shared/catalog/lazy.ts is wrong)`);
          return op;
        },
        (e: unknown) => {
          // A failed import is retried by the next request rather than remembered for the container's life.
          loading = undefined;
          throw e;
        },
      );
      return loading;
    },
  };
}
