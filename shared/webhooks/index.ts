/** The webhook path (ARCHITECTURE.md "Webhooks"): catalog, receivers, processor. */
export { webhooks } from './catalog.js';
export type { WebhookDefinition } from './catalog.js';
export { webhookReceiver, setWebhookTokenVerifier } from './receiver.js';
export { webhookHealthHandler } from './health.js';
export { webhookProcessorHandler } from './processor.js';
export { WebhookTokenVerifier } from './token.js';
export { listInboxEventsImpl, replayInboxEventImpl, replayDeadInboxEventsImpl } from './operations.js';
