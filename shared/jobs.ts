/**
 * The suite's background functions (not API operations, not webhook receivers).
 * The CDK app and the local runner read this list.
 */
export interface JobDefinition {
  name: string;
  entry: string;
  trigger: 'webhook-queue' | 'reconcile-queue' | 'schedule';
  summary: string;
}

export const jobs: readonly JobDefinition[] = [
  { name: 'webhookProcessor', entry: 'functions/jobs/webhookProcessor.ts', trigger: 'webhook-queue', summary: 'Applies inbox events to the ledger and publishes domain events (SQS, partial batch failures).' },
  { name: 'reconcile', entry: 'functions/jobs/reconcile.ts', trigger: 'schedule', summary: 'Scheduled reconciliation: pending/UNKNOWN operations, partner history, then fans the user sweep out.' },
  { name: 'reconcileUsers', entry: 'functions/jobs/reconcileUsers.ts', trigger: 'reconcile-queue', summary: 'Reconciles one batch of users (history and state) from the reconcile queue.' },
];
