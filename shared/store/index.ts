export { documentClient, setDocumentClient, roundTrips, isConditionFailed } from './client.js';
export { isTerminal, statusRank, TERMINAL_STATUSES } from './status.js';
export { recordOperation, applyStatus, getLedgerOperation, listOpenOperations, opKey } from './ledger.js';
export type { OperationType, LedgerOperation, StatusChange, RecordOperationInput, ApplyStatusInput, ApplyOutcome } from './ledger.js';
export { upsertUser, setUserFact, getLedgerUser, listLedgerUsers, userKey } from './users.js';
export type { LedgerUser, UserModel } from './users.js';
