export { openApiDocument } from './document.js';
export type { OpenApiDocument } from './document.js';
export { openApiHandler } from './handler.js';
