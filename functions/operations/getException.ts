import { getExceptionImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('getException'), { impl: getExceptionImpl });
