import { getReconciliationReportImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = await operationHandler(lazyOperation('getReconciliationReport'), { impl: getReconciliationReportImpl });
