import { lazyOperation, operationHandler, replayInboxEventImpl } from '../../shared/index.js';

export const handler = await operationHandler(lazyOperation('replayInboxEvent'), { impl: replayInboxEventImpl });
