import { lazyOperation, operationHandler, replayDeadInboxEventsImpl } from '../../shared/index.js';

export const handler = await operationHandler(lazyOperation('replayDeadInboxEvents'), { impl: replayDeadInboxEventsImpl });
