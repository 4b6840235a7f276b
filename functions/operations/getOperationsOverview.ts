import { getOperationsOverviewImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('getOperationsOverview'), { impl: getOperationsOverviewImpl });
