import { createUploadUrlImpl, lazyOperation, operationHandler } from '../../shared/index.js';

export const handler = await operationHandler(lazyOperation('createUploadUrl'), { impl: createUploadUrlImpl });
