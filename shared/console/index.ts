/** The operator console's routes (shared/catalog/console.ts): overview, run list, one inbox event, timeline, the exception queue. */
export { getOperationsOverviewImpl } from './overview.js';
export { listReconciliationRunsImpl } from './runs.js';
export { getInboxEventImpl } from './inbox-event.js';
export { getTimelineImpl } from './timeline.js';
export { changeExceptionImpl, getExceptionImpl, listExceptionsImpl } from './exceptions.js';
