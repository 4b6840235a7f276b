import { getOperation, replayInboxEventImpl, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(getOperation('replayInboxEvent'), { impl: replayInboxEventImpl });
