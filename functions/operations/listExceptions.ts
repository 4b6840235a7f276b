import { listExceptionsImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('listExceptions'), { impl: listExceptionsImpl });
