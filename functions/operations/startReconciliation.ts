import { lazyOperation, operationHandler, startReconciliationImpl } from '../../shared/index.js';

export const handler = await operationHandler(lazyOperation('startReconciliation'), { impl: startReconciliationImpl });
