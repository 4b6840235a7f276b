import { getOperation, listInboxEventsImpl, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(getOperation('listInboxEvents'), { impl: listInboxEventsImpl });
