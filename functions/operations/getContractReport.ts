import { getContractReportImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('getContractReport'), { impl: getContractReportImpl });
