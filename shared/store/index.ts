export { documentClient, setDocumentClient } from './client.js';
export { recordOperation, getLedgerOperation } from './ledger.js';
export type { OperationType, LedgerOperation } from './ledger.js';
export { upsertUser, setUserFact, getLedgerUser } from './ledger-users.js';
