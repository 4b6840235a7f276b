import { lazyOperation, listInboxEventsImpl, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('listInboxEvents'), { impl: listInboxEventsImpl });
