import { operations, entryFileOf, type Operation } from './catalog/index.js';
import type { HttpMethod } from './catalog/types.js';
import { webhooks, webhookEntryFile, webhookHealthPath, type WebhookDefinition } from './webhooks/catalog.js';
import { jobs, type JobDefinition } from './jobs.js';

/**
 * Every Lambda function the suite has, derived from the catalogs: plain data (no CDK), so that the CDK app
 * (infra/lib/inventory.ts), the build (infra/build.ts) and the local runner (local/gateway/suite-routes.ts,
 * local/suite.ts, local/aws/reconcile-local.ts) all read this one list and can never disagree on which
 * functions exist, which entry file each one runs, or which routes reach it.
 */
export type FunctionSpec =
  | { kind: 'operation'; name: string; entry: string; operation: Operation }
  | { kind: 'webhook'; name: string; entry: string; webhook: WebhookDefinition }
  | { kind: 'webhookHealth'; name: string; entry: string; path: string }
  | { kind: 'openApi'; name: string; entry: string; path: string }
  | { kind: 'job'; name: string; entry: string; job: JobDefinition };

/** A route of the HTTP API (API Gateway route key `METHOD /path`). */
export interface FunctionRoute {
  method: HttpMethod | 'HEAD';
  path: string;
}

/** Entry file of the unauthenticated `/webhook/health` probe (GET and HEAD): named like a receiver. */
export const webhookHealthEntry = webhookEntryFile('health');

/** webhooks.md: the health probe must "implement GET (and HEAD)"; the handler answers HEAD without a body. */
export const webhookHealthMethods: readonly FunctionRoute['method'][] = ['GET', 'HEAD'];

/** `GET /openapi.json`, the document of the operations. */
export const openApiPath = '/openapi.json';
export const openApiEntry = 'functions/operations/openapi.ts';

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

/**
 * The HTTP routes that reach a function, at their catalog paths (a deployment may move a webhook path:
 * infra applies `webhookPathOverrides`, the local runner `webhookPath()`). Jobs have none: queues and the
 * schedule trigger them ({@link JobDefinition.trigger}).
 */
export function functionRoutes(spec: FunctionSpec): FunctionRoute[] {
  switch (spec.kind) {
    case 'operation':
      return [{ method: spec.operation.route.method, path: spec.operation.route.path }];
    case 'webhook':
      return [{ method: 'POST', path: spec.webhook.path }];
    case 'webhookHealth':
      return webhookHealthMethods.map((method) => ({ method, path: spec.path }));
    case 'openApi':
      return [{ method: 'GET', path: spec.path }];
    case 'job':
      return [];
  }
}

/**
 * The one job a trigger feeds (the webhook queue, the reconcile queue, the schedule). Each trigger has exactly
 * one consumer in the CDK app, and the local stand-ins run exactly that entry file; throws otherwise.
 */
export function jobTriggeredBy(trigger: JobDefinition['trigger'], specs: readonly FunctionSpec[] = functionSpecs()): Extract<FunctionSpec, { kind: 'job' }> {
  const found = specs.filter((s): s is Extract<FunctionSpec, { kind: 'job' }> => s.kind === 'job' && s.job.trigger === trigger);
  if (found.length !== 1)
    throw new Error(`Trigger "${trigger}" feeds ${found.length} jobs (${found.map((s) => s.name).join(', ') || 'none'}); exactly one is expected`);
  return found[0]!;
}
