/** Reconciliation: keeps the ledger equal to P100 (ARCHITECTURE.md "Ledger and reconciliation"). */
export { reconcileConfig, RECONCILE_DEFAULTS, ReconcileConfigError } from './config.js';
export type { ReconcileConfig } from './config.js';
export { runReconciliation, reconcileUserBatch, openRun, newRunId } from './run.js';
export type { RunOptions, RunOutcome, UserBatchMessage } from './run.js';
export type { RunContext, RunHooks } from './context.js';
export { DeadlineReachedError } from './context.js';
export { reconcileHandler, reconcileUsersHandler, getReconciliationReportImpl, startReconciliationImpl } from './handlers.js';
export { readReport } from './report.js';
export type { ReconciliationReport } from './report.js';
export { reconcileInvoker, setReconcileInvoker, LambdaReconcileInvoker } from './invoker.js';
export type { ReconcileInvoker, ReconcilePayload } from './invoker.js';
export { historyPages, fetchDetails, fetchUserAtP100, accountKey, upstreamOf } from '../p100/reads.js';
export type { Account, HistoryEntry, HistoryPage, HistoryCursor } from '../p100/reads.js';
export { getRun, DISCREPANCY_CLASSES, ProgressConflictError } from '../store/reconciliation.js';
export type { RunItem, Discrepancy, DiscrepancyClass, RunWindow } from '../store/reconciliation.js';
export { DISCREPANCY_DETAIL_TYPE, summarize } from './finalize.js';
export { normalizeDecimal, sameDecimal } from '../decimal.js';
