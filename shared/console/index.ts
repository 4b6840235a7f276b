/** The operator console's reads (shared/catalog/console.ts): overview, run list, one inbox event, timeline. */
export { getOperationsOverviewImpl } from './overview.js';
export { listReconciliationRunsImpl } from './runs.js';
export { getInboxEventImpl } from './inbox-event.js';
export { getTimelineImpl } from './timeline.js';
