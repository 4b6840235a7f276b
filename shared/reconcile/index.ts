/** Reconciliation: keeps the ledger equal to P100 (ARCHITECTURE.md "Ledger and reconciliation"). */
export { runReconciliation } from './run.js';
export { prepareReconcileJob, reconcileHandler, reconcileUsersHandler } from './handlers.js';
export { getReconciliationReportImpl, startReconciliationImpl } from './operations.js';
export { readReport } from './report.js';
export { historyPages } from '../p100/reads.js';
export { getRun } from '../store/reconciliation.js';
