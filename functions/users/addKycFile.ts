import { addKycFileImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('addKycFile'), { impl: addKycFileImpl });
