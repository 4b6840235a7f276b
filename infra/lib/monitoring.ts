import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import type { SuiteApi } from './api.js';
import type { SuiteConfig } from './config.js';
import type { SuiteCore } from './core.js';
import { webhooks } from '../../shared/webhooks/catalog.js';
import { SuiteDashboards } from './dashboards.js';
import { alarmDescription, alarmName } from './runbook.js';
import { metricsNamespace, suiteSum } from './suite-function.js';

/**
 * Suite-wide alarms (DLQ depth, reconciliation discrepancies, webhook 401 spikes, API 5xx), an overview
 * dashboard and one dashboard per concern (dashboards.ts). Per-function error/throttle alarms live next to
 * their functions. Every alarm is named and described for its runbook entry (runbook.ts, docs/runbook.md).
 * Lambda widgets use SEARCH over the stage's name prefix, so new functions appear without a change here.
 */
export class SuiteMonitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: { config: SuiteConfig; core: SuiteCore; api: SuiteApi }) {
    super(scope, id);
    const { config, core, api } = props;
    const period = Duration.minutes(5);
    // Published as EMF by Powertools Metrics, which always adds the `service` dimension:
    // shared/reconcile/finalize.ts (service=reconciliation, the total without further dimensions) and
    // shared/webhooks/metrics.ts (service=webhooks, webhook=<name>).
    const discrepancies = suiteSum('ReconciliationDiscrepancies', { service: 'reconciliation' }, period);
    const unauthorizedOf = (webhook: string): cloudwatch.Metric => suiteSum('WebhookUnauthorized', { service: 'webhooks', webhook }, period);
    const unauthorizedAll = new cloudwatch.MathExpression({
      expression: `SEARCH('{${metricsNamespace},service,webhook} MetricName="WebhookUnauthorized"', 'Sum', 300)`,
      label: 'webhook 401s',
      period,
      usingMetrics: {},
    });

    /**
     * `alarmId` minus `Alarm` is the runbook entry (`## <RunbookId>` in docs/runbook.md) unless `runbook.id`
     * names a family (one entry for the alarm of every webhook); `subject` ends the alarm's name.
     */
    const alarm = (
      alarmId: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
      runbook: { id?: string; subject?: string } = {},
    ): void => {
      const runbookId = runbook.id ?? alarmId.replace(/Alarm$/, '');
      const a = new cloudwatch.Alarm(this, alarmId, {
        alarmName: alarmName(config.prefix, runbookId, runbook.subject),
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: alarmDescription(config.runbookUrl, runbookId, description),
      });
      if (core.alarmTopic) a.addAlarmAction(new cwActions.SnsAction(core.alarmTopic));
      this.alarms.push(a);
    };
    const dlqs = { WebhookDlq: core.webhookDlq, ReconcileDlq: core.reconcileDlq, AsyncFailureDlq: core.asyncFailureDlq };
    for (const [name, q] of Object.entries(dlqs)) {
      alarm(
        `${name}DepthAlarm`,
        q.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        1,
        `${name} holds messages: inspect and replay them.`,
      );
    }
    alarm('ReconciliationDiscrepanciesAlarm', discrepancies, 1, 'Reconciliation found ledger/P100 discrepancies: see the latest report.');
    // Issue 23: liveness. shared/reconcile/open-run.ts counts a run the watch marked FAILED; finalize.ts counts
    // the run's quarantined items per class (dimension Class=quarantined).
    alarm(
      'ReconciliationStalledAlarm',
      suiteSum('ReconciliationRunStalled', { service: 'reconciliation' }, period),
      1,
      'A reconciliation run stopped moving and was marked FAILED; the next trigger started a fresh run.',
    );
    alarm(
      'ReconciliationQuarantineAlarm',
      suiteSum('ReconciliationDiscrepancies', { service: 'reconciliation', Class: 'quarantined' }, period),
      1,
      'A reconciliation run quarantined items (unsafe ids from P100, or work that threw or ran past its budget).',
    );
    // One alarm per receiver: an alarm's metric math may combine at most 10 metrics, and the
    // receiver's name says where to look.
    for (const w of webhooks) {
      alarm(
        `WebhookUnauthorized${w.name.charAt(0).toUpperCase()}${w.name.slice(1)}Alarm`,
        unauthorizedOf(w.name),
        5,
        `Webhook ${w.name}: 5+ deliveries with a wrong or missing token in 5 minutes (token rotated at P100 but not here, or probing).`,
        { id: 'WebhookUnauthorized', subject: w.name },
      );
    }
    alarm('Api5xxAlarm', api.httpApi.metricServerError({ period, statistic: 'Sum' }), 5, 'The API answered 5xx repeatedly.');

    const lambdaSearch = (metricName: string, stat: string, label: string): cloudwatch.MathExpression =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{AWS/Lambda,FunctionName} MetricName="${metricName}" "${config.prefix}"', '${stat}', 300)`,
        label,
        period,
        usingMetrics: {},
      });

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `${config.prefix}-suite` });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API requests and errors',
        left: [
          api.httpApi.metricCount({ period, statistic: 'Sum' }),
          api.httpApi.metricClientError({ period, statistic: 'Sum' }),
          api.httpApi.metricServerError({ period, statistic: 'Sum' }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency (p99)',
        left: [api.httpApi.metricLatency({ period, statistic: 'p99' }), api.httpApi.metricIntegrationLatency({ period, statistic: 'p99' })],
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Function errors', left: [lambdaSearch('Errors', 'Sum', 'errors')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Function throttles', left: [lambdaSearch('Throttles', 'Sum', 'throttles')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Function duration (p99)', left: [lambdaSearch('Duration', 'p99', 'duration')], width: 8 }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Queues (visible messages)',
        left: [core.webhookQueue, core.reconcileQueue].map((q) => q.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' })),
        right: Object.values(dlqs).map((q) => q.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Reconciliation discrepancies / webhook 401s', left: [discrepancies], right: [unauthorizedAll], width: 12 }),
    );
    new SuiteDashboards(this, 'Concerns', { config, core, api });
  }
}
