/** Reconciliation: keeps the ledger equal to P100 (ARCHITECTURE.md "Ledger and reconciliation"). */
export { runReconciliation } from './run.js';
export { reconcileHandler, reconcileUsersHandler, getReconciliationReportImpl, startReconciliationImpl } from './handlers.js';
export { readReport } from './report.js';
export { historyPages } from '../p100/reads.js';
export { getRun } from '../store/reconciliation.js';
