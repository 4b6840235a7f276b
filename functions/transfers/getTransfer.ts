import { lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = await operationHandler(lazyOperation('getTransfer'));
