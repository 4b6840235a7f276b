import { changeExceptionImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('changeException'), { impl: changeExceptionImpl });
