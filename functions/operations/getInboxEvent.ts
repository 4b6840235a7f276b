import { getOperation, getInboxEventImpl, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(getOperation('getInboxEvent'), { impl: getInboxEventImpl });
