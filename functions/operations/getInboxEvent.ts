import { getInboxEventImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('getInboxEvent'), { impl: getInboxEventImpl });
