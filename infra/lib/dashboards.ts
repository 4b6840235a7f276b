import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { SuiteApi } from './api.js';
import type { SuiteConfig } from './config.js';
import type { SuiteCore } from './core.js';
import { functionSpecs, type FunctionSpec } from './inventory.js';
import { alarmName, functionAlarmFamily } from './runbook.js';
import { metricsNamespace, physicalFunctionName, suiteSum } from './suite-function.js';

/**
 * One CloudWatch dashboard per concern, each opening with the state of that concern's alarms, then the
 * graphs an operator looks at first (docs/runbook.md says which one each alarm sends you to):
 *
 * | dashboard | first | then |
 * |---|---|---|
 * | `<prefix>-money-operations` | alarms of the money operations and the API | errors, throttles, p99 duration per money function; API 5xx; recent 5xx answers (UNKNOWN outcomes among them) from the logs |
 * | `<prefix>-webhooks` | 401, DLQ, receiver and processor alarms | received / duplicate / processed / stale / dead per webhook; 401s per webhook; queue depth and oldest message age |
 * | `<prefix>-reconciliation` | discrepancy, DLQ and job alarms | discrepancies (total and per class), entries compared, job duration and errors, reconcile queue |
 *
 * Alarms are referenced by their physical name (runbook.ts `alarmName`), so the functions' nested stacks
 * export nothing to these widgets.
 */
export class SuiteDashboards extends Construct {
  readonly dashboards: cloudwatch.Dashboard[] = [];

  constructor(scope: Construct, id: string, props: { config: SuiteConfig; core: SuiteCore; api: SuiteApi }) {
    super(scope, id);
    const { config, core, api } = props;
    const period = Duration.minutes(5);
    const specs = functionSpecs();
    const fnName = (spec: FunctionSpec): string => physicalFunctionName(config, spec.name);
    const lambdaMetric = (spec: FunctionSpec, metricName: string, statistic: string): cloudwatch.Metric =>
      new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName, dimensionsMap: { FunctionName: fnName(spec) }, statistic, period, label: spec.name });
    const byName = (name: string): cloudwatch.IAlarm => cloudwatch.Alarm.fromAlarmName(this, `Ref${name}`, name);
    const functionAlarms = (list: readonly FunctionSpec[], kind: 'Errors' | 'Throttles'): cloudwatch.IAlarm[] =>
      list.map((s) => byName(alarmName(config.prefix, `${functionAlarmFamily(s)}${kind}`, s.name)));
    const search = (expression: string, label: string): cloudwatch.MathExpression =>
      new cloudwatch.MathExpression({ expression, label, period, usingMetrics: {} });
    const dashboard = (name: string, ...rows: cloudwatch.IWidget[][]): void => {
      const d = new cloudwatch.Dashboard(this, name, { dashboardName: `${config.prefix}-${name}` });
      for (const row of rows) d.addWidgets(...row);
      this.dashboards.push(d);
    };

    const money = specs.filter((s) => s.kind === 'operation' && s.operation.kind === 'money');
    dashboard(
      'money-operations',
      [
        new cloudwatch.AlarmStatusWidget({
          title: 'Money operation alarms',
          alarms: [...functionAlarms(money, 'Errors'), ...functionAlarms(money, 'Throttles'), byName(alarmName(config.prefix, 'Api5xx'))],
          width: 24,
        }),
      ],
      [
        new cloudwatch.GraphWidget({ title: 'Errors per money operation', left: money.map((s) => lambdaMetric(s, 'Errors', 'Sum')), width: 8 }),
        new cloudwatch.GraphWidget({ title: 'Throttles per money operation', left: money.map((s) => lambdaMetric(s, 'Throttles', 'Sum')), width: 8 }),
        new cloudwatch.GraphWidget({ title: 'Duration p99 per money operation', left: money.map((s) => lambdaMetric(s, 'Duration', 'p99')), width: 8 }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'API answers (5xx: outcome unknown or P100 down)',
          left: [api.httpApi.metricServerError({ period, statistic: 'Sum' }), api.httpApi.metricClientError({ period, statistic: 'Sum' })],
          right: [api.httpApi.metricCount({ period, statistic: 'Sum' })],
          width: 8,
        }),
        new cloudwatch.LogQueryWidget({
          title: 'Recent money answers with status >= 500 (UNKNOWN outcomes are 502/504)',
          logGroupNames: money.map((s) => `/aws/lambda/${fnName(s)}`),
          queryLines: [
            'fields @timestamp, operationId, status, requestId',
            'filter message = "request done" and status >= 500',
            'sort @timestamp desc',
            'limit 50',
          ],
          width: 16,
        }),
      ],
    );

    const receivers = specs.filter((s) => s.kind === 'webhook' || s.kind === 'webhookHealth');
    const processor = specs.filter((s) => s.kind === 'job' && s.job.trigger === 'webhook-queue');
    const webhookMetric = (metricName: string): cloudwatch.MathExpression =>
      search(`SEARCH('{${metricsNamespace},service,webhook} MetricName="${metricName}"', 'Sum', 300)`, metricName);
    const webhookNames = receivers.filter((s): s is Extract<FunctionSpec, { kind: 'webhook' }> => s.kind === 'webhook').map((s) => s.webhook.name);
    dashboard(
      'webhooks',
      [
        new cloudwatch.AlarmStatusWidget({
          title: 'Webhook alarms',
          alarms: [
            byName(alarmName(config.prefix, 'WebhookDlqDepth')),
            ...webhookNames.map((w) => byName(alarmName(config.prefix, 'WebhookUnauthorized', w))),
            ...functionAlarms(processor, 'Errors'),
            ...functionAlarms(processor, 'Throttles'),
            ...functionAlarms(receivers, 'Errors'),
            ...functionAlarms(receivers, 'Throttles'),
          ],
          width: 24,
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'Deliveries per webhook: received / duplicate',
          left: [webhookMetric('WebhookReceived')],
          right: [webhookMetric('WebhookDuplicate')],
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: 'Processed / stale / dead per webhook',
          left: [webhookMetric('WebhookProcessed'), webhookMetric('WebhookStale')],
          right: [webhookMetric('WebhookDead')],
          width: 12,
        }),
      ],
      [
        new cloudwatch.GraphWidget({ title: 'Wrong or missing token (401) per webhook', left: [webhookMetric('WebhookUnauthorized')], width: 8 }),
        new cloudwatch.GraphWidget({
          title: 'Webhook queue: visible / oldest message age (s) / DLQ',
          left: [core.webhookQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' })],
          right: [
            core.webhookQueue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
            core.webhookDlq.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
          ],
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: 'Processor errors / duration p99',
          left: processor.map((s) => lambdaMetric(s, 'Errors', 'Sum')),
          right: processor.map((s) => lambdaMetric(s, 'Duration', 'p99')),
          width: 8,
        }),
      ],
    );

    // The reconcile job and its user sweep; the contract canary is a scheduled job too, but not reconciliation.
    const reconcileJobs = specs.filter((s) => s.kind === 'job' && (s.job.trigger === 'schedule' || s.job.trigger === 'reconcile-queue'));
    const discrepancies = suiteSum('ReconciliationDiscrepancies', { service: 'reconciliation' }, period, 'total');
    const entries = suiteSum('ReconciliationEntries', { service: 'reconciliation' }, period, 'entries compared');
    dashboard(
      'reconciliation',
      [
        new cloudwatch.AlarmStatusWidget({
          title: 'Reconciliation alarms',
          alarms: [
            byName(alarmName(config.prefix, 'ReconciliationDiscrepancies')),
            byName(alarmName(config.prefix, 'ReconcileDlqDepth')),
            byName(alarmName(config.prefix, 'AsyncFailureDlqDepth')),
            ...functionAlarms(reconcileJobs, 'Errors'),
            ...functionAlarms(reconcileJobs, 'Throttles'),
          ],
          width: 24,
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'Discrepancies: total and per class',
          left: [discrepancies, search(`SEARCH('{${metricsNamespace},service,Class} MetricName="ReconciliationDiscrepancies"', 'Sum', 300)`, 'per class')],
          right: [entries],
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: 'Reconcile jobs: errors / duration p99',
          left: reconcileJobs.map((s) => lambdaMetric(s, 'Errors', 'Sum')),
          right: reconcileJobs.map((s) => lambdaMetric(s, 'Duration', 'p99')),
          width: 12,
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'Reconcile queue (user batches) / DLQs',
          left: [core.reconcileQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' })],
          right: [core.reconcileDlq, core.asyncFailureDlq].map((q) => q.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' })),
          width: 24,
        }),
      ],
    );
  }
}
