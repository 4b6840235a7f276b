import { getOperation, operationHandler, startReconciliationImpl } from '../../shared/index.js';

export const handler = operationHandler(getOperation('startReconciliation'), { impl: startReconciliationImpl });
