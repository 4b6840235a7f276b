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
  normaliseFieldName,
  sensitiveWebhookFields,
  WEBHOOK_FIELDS,
} from './fields.js';
export type { DataClass, FieldClassification, PersonalKind, PublicKind, SecretKind } from './fields.js';
export { detectSensitiveValues, IBAN_RE, luhnValid, maskIban, maskPan, maskSensitiveValues, PAN_RE, replaceSensitiveValues, UUID_RE } from './detect.js';
export { maskPersonal, protectWebhookEntity, restView } from './rules.js';
export type { ProtectedEntity } from './rules.js';
export { operationDataClasses, operationFields, schemaFieldNames } from './schema.js';
export type { OperationPart } from './schema.js';
