/**
 * Values the functions and the infrastructure must agree on. One home, so the CDK app and the code it
 * deploys cannot drift apart: infra/ imports these, shared/ reads them at run time.
 */

/**
 * CloudWatch namespace of the suite's custom metrics (webhook counters, reconciliation discrepancies).
 * Written as EMF log lines by the functions; read by the dashboards and alarms in infra/lib/monitoring.ts.
 */
export const METRICS_NAMESPACE = 'P100Suite';

/**
 * Receives before SQS moves a message of a work queue (webhook, reconcile) to its dead-letter queue.
 * infra/lib/core.ts sets it on the queues' redrive policy; the webhook processor reads it to know that
 * a receive is the last one (it then dead-letters the inbox event itself).
 */
export const QUEUE_MAX_RECEIVE_COUNT = 5;

/**
 * The CloudFormation stack of a stage: `P100Suite-Staging`, `P100Suite-Production`. The CDK app names it so
 * (infra/lib/app.ts); `npm run deploy`, `npm run smoke` and the `p100 --stage` command find it by this name.
 */
export function suiteStackName(stage: string): string {
  return `P100Suite-${stage.charAt(0).toUpperCase()}${stage.slice(1)}`;
}
