import { createUploadUrlImpl, getOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(getOperation('createUploadUrl'), { impl: createUploadUrlImpl });
