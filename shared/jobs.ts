import type { Resources } from './config/resources.js';

/**
 * The suite's background functions (not API operations, not webhook receivers).
 * The CDK app and the local runner read this list.
 */
export interface JobDefinition {
  name: string;
  entry: string;
  trigger: 'webhook-queue' | 'reconcile-queue' | 'schedule' | 'contract-schedule';
  summary: string;
  /** Everything the job's code touches (infra/lib/access.ts grants exactly this). */
  resources: Resources;
}

export const jobs: readonly JobDefinition[] = [
  {
    name: 'webhookProcessor',
    entry: 'functions/jobs/webhookProcessor.ts',
    trigger: 'webhook-queue',
    summary: 'Applies inbox events to the ledger and publishes domain events (SQS, partial batch failures).',
    // The webhook token opens sealed card codes; the data key opens sealed personal fields. Never the API key.
    resources: { webhookToken: true, dataKey: true, data: ['webhookProcessor'], putEvents: true },
  },
  {
    name: 'reconcile',
    entry: 'functions/jobs/reconcile.ts',
    trigger: 'schedule',
    summary: 'Scheduled reconciliation: pending/UNKNOWN operations, partner history, then fans the user sweep out.',
    // Fans the user sweep out on the reconcile queue; invokes itself to go on after its timeout.
    resources: { apiKey: true, data: ['reconcile'], sendReconcileQueue: true, putEvents: true, invokeReconcile: true },
  },
  {
    name: 'reconcileUsers',
    entry: 'functions/jobs/reconcileUsers.ts',
    trigger: 'reconcile-queue',
    summary: 'Reconciles one batch of users (history and state) from the reconcile queue.',
    // The worker finishing the last batch finalizes the run (discrepancy events on the bus).
    resources: { apiKey: true, data: ['reconcileUsers'], putEvents: true },
  },
  {
    name: 'contractCanary',
    entry: 'functions/jobs/contract-canary.ts',
    trigger: 'contract-schedule',
    summary: 'Hourly read-only contract check of P100 (issue 16): report for /operations/contract/reports/latest, ContractDrift metric.',
    // Calls P100 read-only (API key), reads the inbox's newest events, writes the one latest-report item.
    resources: { apiKey: true, data: ['contractCanary'] },
  },
];
