/**
 * The client layer: the one import of every function entry file (`../../shared/index.js`).
 * In AWS this module is the Lambda layer; the build rewrites the import to the layer's path.
 */
export * from './catalog/index.js';
export * from './http/index.js';
export * from './p100/index.js';
export * from './secrets/index.js';
export { classify, classOf, detectSensitiveValues, FIELD_CLASSIFICATION, fieldsOfClass, maskIban, maskPersonal, maskSensitiveValues, protectWebhookEntity, restView, WEBHOOK_FIELDS } from './classification/index.js';
export type { DataClass, FieldClassification } from './classification/index.js';
export * from './log/index.js';
export * from './config/env.js';
export * from './webhooks/index.js';
export { jobs } from './jobs.js';
export type { JobDefinition } from './jobs.js';
export * from './store/index.js';
export * from './events/index.js';
export * from './reconcile/index.js';
export * from './documents/index.js';
export * from './openapi/index.js';
