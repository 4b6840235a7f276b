import { operations, entryFileOf, type Operation } from '../../shared/catalog/index.js';
import { webhooks, webhookEntryFile, webhookHealthPath, type WebhookDefinition } from '../../shared/webhooks/catalog.js';
import { jobs, type JobDefinition } from '../../shared/jobs.js';

/**
 * Every Lambda function the suite deploys, derived from the catalogs at synth time.
 * The build (infra/build.ts) and the stacks both read this list, so they can never disagree.
 */
export type FunctionSpec =
  | { kind: 'operation'; name: string; entry: string; operation: Operation }
  | { kind: 'webhook'; name: string; entry: string; webhook: WebhookDefinition }
  | { kind: 'webhookHealth'; name: string; entry: string; path: string }
  | { kind: 'openApi'; name: string; entry: string; path: string }
  | { kind: 'job'; name: string; entry: string; job: JobDefinition };

/** Entry file of the unauthenticated `/webhook/health` probe (GET and HEAD): named like a receiver. */
export const webhookHealthEntry = webhookEntryFile('health');

/** `GET /openapi.json`, the document of the operations (local/suite.ts serves the same path locally). */
export const openApiPath = '/openapi.json';
export const openApiEntry = 'functions/operations/openapi.ts';

/** The client layer barrel: the only module functions import from `shared/`. */
export const layerEntry = 'shared/index.ts';

/** Function (and bundle directory) name of a webhook receiver; prefixed so it never collides with an operationId. */
export function webhookFunctionName(name: string): string {
  return `webhook-${name}`;
}

export function functionSpecs(): FunctionSpec[] {
  const specs: FunctionSpec[] = [
    ...operations.map((operation): FunctionSpec => ({ kind: 'operation', name: operation.operationId, entry: entryFileOf(operation), operation })),
    ...webhooks.map((webhook): FunctionSpec => ({ kind: 'webhook', name: webhookFunctionName(webhook.name), entry: webhookEntryFile(webhook.name), webhook })),
    { kind: 'webhookHealth', name: webhookFunctionName('health'), entry: webhookHealthEntry, path: webhookHealthPath },
    { kind: 'openApi', name: 'openapi', entry: openApiEntry, path: openApiPath },
    ...jobs.map((job): FunctionSpec => ({ kind: 'job', name: job.name, entry: job.entry, job })),
  ];
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw new Error(`Two functions are named "${s.name}": operationIds, webhook names and job names must be unique`);
    seen.add(s.name);
  }
  return specs;
}
