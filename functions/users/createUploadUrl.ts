import { createUploadUrlImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = operationHandler(lazyOperation('createUploadUrl'), { impl: createUploadUrlImpl });
