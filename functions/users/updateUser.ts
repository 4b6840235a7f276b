import { lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('updateUser'));
