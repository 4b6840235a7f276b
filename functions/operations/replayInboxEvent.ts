import { lazyOperation, operationHandler, replayInboxEventImpl } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('replayInboxEvent'), { impl: replayInboxEventImpl });
