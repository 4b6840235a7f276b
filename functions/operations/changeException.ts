import { changeExceptionImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = await operationHandler(lazyOperation('changeException'), { impl: changeExceptionImpl });
