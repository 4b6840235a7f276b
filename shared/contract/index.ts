/**
 * Contract verification (issue 16): `npm run verify-p100` (tools/verify-p100.ts) and the scheduled canary
 * (./canary.ts) hold P100's answers against the catalog and shared/p100/ASSUMPTIONS.md.
 */
export { verifyContract, testUserIdFor, ContractRunError, type VerifyOptions } from './verify.js';
export type { Expectation } from './expectations.js';
export { httpTransport, ContractTransportError, type Transport, type ProbeAnswer } from './transport.js';
export { checkStrict } from './schema-walk.js';
export { checkWebhookPayloads, type ObservedWebhook } from './webhooks.js';
export { renderMarkdown } from './markdown.js';
export { driftCount, exitCodeOf } from './report.js';
export { isProductionBaseUrl } from './production.js';
export { ALTERNATIVE_PATHS } from './expectations.js';
export type { ContractReport, Drift, DriftKind, OperationResult, AssumptionResult, WebhookCheck, CheckStatus } from './types.js';
export { DRIFT_KINDS } from './types.js';
