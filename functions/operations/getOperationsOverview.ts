import { getOperation, getOperationsOverviewImpl, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(getOperation('getOperationsOverview'), { impl: getOperationsOverviewImpl });
