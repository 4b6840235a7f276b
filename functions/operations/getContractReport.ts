import { getContractReportImpl, getOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(getOperation('getContractReport'), { impl: getContractReportImpl });
