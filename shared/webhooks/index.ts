/** The webhook path (ARCHITECTURE.md "Webhooks"): catalog, receivers, processor. */
export { webhooks, webhookHealthPath, webhookEntryFile, webhookPath, getWebhook, webhookProcessing, webhookProcessingOf } from './catalog.js';
export type { WebhookDefinition, WebhookLedgerTarget, WebhookProcessing } from './catalog.js';
export { webhookReceiver, webhookHealthHandler, webhookTokenVerifier, setWebhookTokenVerifier, webhookTokens } from './receiver.js';
export type { WebhookQueueMessage } from './receiver.js';
export { processInboxEvent, webhookProcessorHandler, WEBHOOK_MAX_RECEIVE_COUNT, InboxBusyError, InboxEventMissingError } from './processor.js';
export type { WebhookEventDetail, ProcessResult } from './processor.js';
export { WebhookTokenVerifier, parseWebhookTokenSecret, authorizationMatches, WebhookTokenSecretError } from './token.js';
export type { WebhookTokenSet, WebhookTokenVerifierOptions } from './token.js';
export { MAX_WEBHOOK_BODY_BYTES } from './event.js';
export { METRICS_NAMESPACE } from './metrics.js';
export { listInboxEventsImpl, replayInboxEventImpl, replayDeadInboxEventsImpl } from './operations.js';
export { lifecycles, checkTransition, isValidPath, lifecycleOfOperation, lifecycleOfUserFact } from './lifecycles.js';
export type { Lifecycle, LifecycleEdge, LifecycleName, TransitionVerdict } from './lifecycles.js';
export { sha256Hex, type Digest } from './digest.js';
