import { lazyOperation, listReconciliationRunsImpl, operationHandler } from '../../shared/index.js';

export const handler = await operationHandler(lazyOperation('listReconciliationRuns'), { impl: listReconciliationRunsImpl });
