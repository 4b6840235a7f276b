import { getOperation, listReconciliationRunsImpl, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(getOperation('listReconciliationRuns'), { impl: listReconciliationRunsImpl });
