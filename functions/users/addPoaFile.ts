import { addPoaFileImpl, getOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(getOperation('addPoaFile'), { impl: addPoaFileImpl });
