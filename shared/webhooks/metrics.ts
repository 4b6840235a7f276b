import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * CloudWatch metrics of the webhook path, as EMF log lines (Powertools Metrics): no PutMetricData call
 * on the hot path, and the receivers need no CloudWatch permission.
 */
export const METRICS_NAMESPACE = 'P100Suite';

const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'webhooks' });

export type WebhookMetricName = 'WebhookUnauthorized' | 'WebhookReceived' | 'WebhookDuplicate' | 'WebhookProcessed' | 'WebhookDead' | 'WebhookStale';

/** Emits one count now, with the webhook name as dimension. */
export function countWebhookMetric(name: WebhookMetricName, webhook: string): void {
  const single = metrics.singleMetric();
  single.addDimension('webhook', webhook);
  single.addMetric(name, MetricUnit.Count, 1);
}
