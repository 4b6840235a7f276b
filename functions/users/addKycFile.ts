import { addKycFileImpl, getOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(getOperation('addKycFile'), { impl: addKycFileImpl });
