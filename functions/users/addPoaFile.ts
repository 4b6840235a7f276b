import { addPoaFileImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('addPoaFile'), { impl: addPoaFileImpl });
