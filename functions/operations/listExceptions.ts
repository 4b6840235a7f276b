import { listExceptionsImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = await operationHandler(lazyOperation('listExceptions'), { impl: listExceptionsImpl });
