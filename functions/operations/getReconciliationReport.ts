import { getReconciliationReportImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('getReconciliationReport'), { impl: getReconciliationReportImpl });
