import { lazyOperation, listInboxEventsImpl, operationHandler } from '../../shared/index.js';

export const handler = await operationHandler(lazyOperation('listInboxEvents'), { impl: listInboxEventsImpl });
