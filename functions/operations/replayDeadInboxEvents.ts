import { getOperation, replayDeadInboxEventsImpl, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(getOperation('replayDeadInboxEvents'), { impl: replayDeadInboxEventsImpl });
