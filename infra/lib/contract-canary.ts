import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct, type Node } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/config/constants.js';
import { InvalidContextError } from './config.js';
import type { SuiteCore } from './core.js';
import { alarmDescription, alarmName } from './runbook.js';

/** The metric the canary emits (shared/contract/canary.ts: EMF, dimension service=contract). */
const CONTRACT_DRIFT_METRIC = 'ContractDrift';
const CONTRACT_METRIC_SERVICE = 'contract';

/**
 * The contract canary's trigger and alarm (issue 16 item 4). The function itself is one of the suite's jobs
 * (shared/jobs.ts `contractCanary`), built, granted and alarmed on errors like every other; this construct adds
 * what is particular to it.
 *
 * Default settings:
 * | setting | default | context |
 * |---|---|---|
 * | schedule | every 60 minutes (EventBridge Scheduler, its own role) | `contractCanaryIntervalMinutes` (5..1440) |
 * | on/off | on | `contractCanary=false`: no schedule, no alarm (the function stays, to invoke by hand) |
 * | alarm | `ContractDrift` ≥ 1 (maximum) over one interval; missing data is not breaching (a run that failed alarms on Errors) | |
 * | alarm action | the suite's alarm topic, where the stage has one (production) | |
 * | report | one item in the ledger table (`CONTRACT#REPORT`), read by `GET /operations/contract/reports/latest` | |
 * | grants | API key secret, inbox Query, ledger PutItem (infra/lib/access.ts `contractCanary`) | |
 */
export interface ContractCanarySettings {
  enabled: boolean;
  intervalMinutes: number;
}

/** Reads `contractCanary` and `contractCanaryIntervalMinutes` from CDK context. */
export function contractCanarySettings(node: Pick<Node, 'tryGetContext'>): ContractCanarySettings {
  const on: unknown = node.tryGetContext('contractCanary');
  const enabled = on === undefined || on === null || on === '' ? true : String(on) === 'true' ? true : String(on) === 'false' ? false : undefined;
  if (enabled === undefined) throw new InvalidContextError('contractCanary', `must be true or false, not "${String(on)}"`);
  const raw: unknown = node.tryGetContext('contractCanaryIntervalMinutes');
  const intervalMinutes = raw === undefined || raw === null || raw === '' ? 60 : Number(raw);
  if (!Number.isInteger(intervalMinutes) || intervalMinutes < 5 || intervalMinutes > 1440) {
    throw new InvalidContextError('contractCanaryIntervalMinutes', `must be an integer from 5 to 1440, not "${String(raw)}"`);
  }
  return { enabled, intervalMinutes };
}

export interface ContractCanaryProps {
  fn: lambda.IFunction;
  core: Pick<SuiteCore, 'alarmTopic'>;
  /** Logical id of the function in its stack (for the scoped cdk-nag acknowledgement of the invoke grant). */
  fnLogicalId: string;
  /** The stage's resource name prefix and runbook location (infra/lib/runbook.ts names and links the alarm). */
  config: { prefix: string; runbookUrl: string };
}

export class ContractCanary extends Construct {
  readonly alarm: cloudwatch.Alarm | undefined;
  readonly settings: ContractCanarySettings;

  constructor(scope: Construct, id: string, props: ContractCanaryProps) {
    super(scope, id);
    this.settings = contractCanarySettings(this.node);
    if (!this.settings.enabled) return;
    const interval = Duration.minutes(this.settings.intervalMinutes);

    const role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler invokes the contract canary',
    });
    new scheduler.Schedule(this, 'Schedule', {
      description: `P100 contract check every ${this.settings.intervalMinutes} minutes (read-only)`,
      schedule: scheduler.ScheduleExpression.rate(interval),
      // A missed hour is caught by the next run: no retry storm against P100.
      target: new schedulerTargets.LambdaInvoke(props.fn, { retryAttempts: 0, maxEventAge: interval, role }),
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${props.fnLogicalId}.Arn>:*]`,
      reason: 'The Scheduler Lambda target grants invoke on the function and its versions/aliases (`:*`); it is still this one function.',
    });

    this.alarm = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: CONTRACT_DRIFT_METRIC,
      dimensionsMap: { service: CONTRACT_METRIC_SERVICE },
      statistic: 'Maximum',
      period: interval,
    }).createAlarm(this, 'DriftAlarm', {
      alarmName: alarmName(props.config.prefix, 'ContractDrift'),
      alarmDescription: alarmDescription(
        props.config.runbookUrl,
        'ContractDrift',
        'P100 answered differently from the catalog or ASSUMPTIONS.md (a moved path, a status, an error code, a field or a status value): read GET /operations/contract/reports/latest, apply the proposed P100_UPSTREAM_OVERRIDES or fix the catalog.',
      ),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.core.alarmTopic) this.alarm.addAlarmAction(new cwActions.SnsAction(props.core.alarmTopic));
  }
}
