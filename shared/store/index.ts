export { documentClient, setDocumentClient, roundTrips, isConditionFailed } from './client.js';
export { isTerminal, statusRank, TERMINAL_STATUSES } from './status.js';
export { recordOperation, applyStatus, getLedgerOperation, listOpenOperations, opKey } from './ledger.js';
export type { OperationType, LedgerOperation, StatusChange, RecordOperationInput, ApplyStatusInput, ApplyOutcome } from './ledger.js';
export { upsertUser, setUserFact, getLedgerUser, listLedgerUsers, userKey } from './ledger-users.js';
export type { LedgerUser, UserModel } from './ledger-users.js';
export {
  storeInboxEvent, getInboxEvent, listInboxEvents, markInboxReplayed, markInboxProcessed, markInboxDead,
  recordInboxOutcome, markInboxPublished, claimInboxEvent, releaseInboxLease, inboxKey, InboxCursorError,
  INBOX_STATES, DEDUP_WINDOW_MS, INBOX_RETENTION_DAYS, INBOX_LEASE_MS,
} from './inbox.js';
export type { InboxEvent, InboxState, InboxOutcome, InboxPage, NewInboxEvent, StoreResult } from './inbox.js';
