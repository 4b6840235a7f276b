/**
 * The client layer: the one import of every function entry file (`../../shared/index.js`).
 * In AWS this module is the Lambda layer; the build rewrites the import to the layer's path.
 *
 * It exports, by name, exactly what the entry files under functions/ import, plus what the layer probe calls
 * on the built layer (test/infra/layer-runtime.test.ts: its own DynamoDB client), and nothing else
 * (test/unit/layer-surface.test.ts keeps it so): add a name here when an entry file needs it. Tests, local/,
 * infra/ and bench/ import from a package's own index (shared/<package>/index.ts).
 */
export { getOperation } from './catalog/index.js';
export { contractCanaryHandler, getContractReportImpl } from './contract/canary.js';
export {
  changeExceptionImpl,
  getExceptionImpl,
  getInboxEventImpl,
  getOperationsOverviewImpl,
  getTimelineImpl,
  listExceptionsImpl,
  listReconciliationRunsImpl,
} from './console/index.js';
// Not through catalog/index.js: that module imports every catalog module, which is what lazyOperation avoids.
export { lazyOperation } from './catalog/lazy.js';
export { addKycFileImpl, addPoaFileImpl, createUploadUrlImpl } from './documents/index.js';
export { operationHandler } from './http/index.js';
export { openApiHandler } from './openapi/index.js';
// The layer probe's: the layer's own DocumentClient and one ledger read through it.
export { documentClient, getLedgerOperation } from './store/index.js';
export { getReconciliationReportImpl, prepareReconcileJob, reconcileHandler, reconcileUsersHandler, startReconciliationImpl } from './reconcile/index.js';
export {
  listInboxEventsImpl,
  replayDeadInboxEventsImpl,
  replayInboxEventImpl,
  webhookHealthHandler,
  webhookProcessorHandler,
  webhookReceiver,
} from './webhooks/index.js';
