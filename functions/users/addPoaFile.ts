import { addPoaFileImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = await operationHandler(lazyOperation('addPoaFile'), { impl: addPoaFileImpl });
