import { lazyOperation, operationHandler, startReconciliationImpl } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('startReconciliation'), { impl: startReconciliationImpl });
