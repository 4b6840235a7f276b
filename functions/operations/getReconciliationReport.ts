import { getOperation, getReconciliationReportImpl, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(getOperation('getReconciliationReport'), { impl: getReconciliationReportImpl });
