export { openApiDocument, jsonSchemaOf, API_VERSION } from './document.js';
export type { OpenApiDocument } from './document.js';
export { errorResponsesFor } from './components.js';
export { openApiHandler } from './handler.js';
