import { lazyOperation, operationHandler, replayDeadInboxEventsImpl } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('replayDeadInboxEvents'), { impl: replayDeadInboxEventsImpl });
