import { lazyOperation, listReconciliationRunsImpl, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('listReconciliationRuns'), { impl: listReconciliationRunsImpl });
