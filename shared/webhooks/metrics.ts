import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../config/constants.js';

/**
 * CloudWatch metrics of the webhook path, as EMF log lines (Powertools Metrics): no PutMetricData call
 * on the hot path, and the receivers need no CloudWatch permission. The namespace lives in
 * shared/config/constants.ts (the alarms in infra read it there).
 */
export { METRICS_NAMESPACE };

export type WebhookMetricName =
  | 'WebhookUnauthorized'
  | 'WebhookReceived'
  | 'WebhookDuplicate'
  | 'WebhookProcessed'
  | 'WebhookDead'
  | 'WebhookStale'
  | 'WebhookSmoke';

/**
 * One single-metric instance for the container, not one per call: `singleMetric()` builds a new Metrics
 * (and a new Console) each time, which was a third of the receiver's own CPU per event (bench B3). A
 * single-metric instance flushes on every `addMetric` and then clears its metric and its non-default
 * dimensions, so each call emits exactly the EMF line a fresh instance would; add and flush are
 * synchronous, so concurrent invocations cannot interleave.
 */
let single: Metrics | undefined;
// Built on first use, not at layer load: constructing Metrics costs ≈ 6 ms, paid by every function's
// cold start otherwise (bench B2), also by the many that never count a webhook.

/** Emits one count now, with the webhook name as dimension. */
export function countWebhookMetric(name: WebhookMetricName, webhook: string): void {
  single ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'webhooks' }).singleMetric();
  single.addDimension('webhook', webhook);
  single.addMetric(name, MetricUnit.Count, 1);
}
