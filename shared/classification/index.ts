/**
 * The data classification (what every field is) and the rules that follow from it (what may rest, travel,
 * be logged or shown). See ./fields.ts for the table and ./rules.ts for the rules.
 */
export {
  classify,
  classOf,
  FIELD_CLASSIFICATION,
  fieldsOfClass,
  LOG_ONLY_SENSITIVE_KEYS,
  sensitiveWebhookFields,
  WEBHOOK_FIELDS,
} from './fields.js';
export { detectSensitiveValues, maskSensitiveValues } from './detect.js';
export { protectWebhookEntity, restView } from './rules.js';
export { operationDataClasses, operationFields } from './schema.js';
