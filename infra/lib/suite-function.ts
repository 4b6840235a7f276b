import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/config/constants.js';
import { ENV } from '../../shared/config/env.js';
import { jobs } from '../../shared/jobs.js';
import { accessFor, indexReads, reservedConcurrencyFor, sizingFor, tableActionsOf, tableReads, type Access, type SuiteTable } from './access.js';
import type { SuiteConfig } from './config.js';
import type { SuiteCore } from './core.js';
import type { FunctionSpec } from './inventory.js';
import { nodeRuntime } from './runtime.js';
import { alarmDescription, alarmName, functionAlarmFamily } from './runbook.js';

/** Custom metrics namespace of the suite (reconciliation discrepancies, webhook 401s): EMF log lines, no IAM. */
export const metricsNamespace = METRICS_NAMESPACE;

/**
 * A Sum of one of the suite's own metrics (EMF by Powertools Metrics, namespace `metricsNamespace`): the alarms of
 * monitoring.ts and the graphs of dashboards.ts read the same series.
 */
export function suiteSum(metricName: string, dimensionsMap: Record<string, string>, period: Duration, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: metricsNamespace, metricName, dimensionsMap, statistic: 'Sum', period, ...(label ? { label } : {}) });
}

export interface SuiteFunctionProps {
  spec: FunctionSpec;
  config: SuiteConfig;
  core: SuiteCore;
  code: lambda.Code;
}

/** Physical name of a function: stable, so the dashboard and operators can find it. */
export function physicalFunctionName(config: SuiteConfig, name: string): string {
  return `${config.prefix}-${name}`;
}

/** The one function whose asynchronous invocation startReconciliation may request. */
export function reconcileJobName(): string {
  const job = jobs.find((j) => j.trigger === 'schedule');
  if (!job) throw new Error('shared/jobs.ts has no scheduled reconcile job');
  return job.name;
}

/**
 * One Lambda function of the suite with everything that belongs to it: its own role (no managed
 * policies), its log group with retention, X-Ray, the client layer, the grants and environment
 * variables its {@link Access} allows, and its error and throttle alarms.
 *
 * Default settings: Node.js 24, ARM64, explicit memory/timeout ({@link sizingFor}), active tracing,
 * text log format (Powertools writes JSON and EMF), log retention 30 days (staging) / 365 days (production),
 * log group encrypted with the suite's logs key, reserved concurrency where {@link reservedConcurrencyFor} says.
 */
export class SuiteFunction extends Construct {
  readonly fn: lambda.Function;
  readonly access: Access;
  readonly spec: FunctionSpec;
  readonly #config: SuiteConfig;
  readonly #core: SuiteCore;

  constructor(scope: Construct, id: string, props: SuiteFunctionProps) {
    super(scope, id);
    const { spec, config, core } = props;
    this.spec = spec;
    this.#config = config;
    this.#core = core;
    this.access = accessFor(spec);
    const sizing = sizingFor(spec);
    const functionName = physicalFunctionName(config, spec.name);
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: config.logRetentionDays,
      encryptionKey: core.logsKey,
      removalPolicy,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${functionName}: only what ${spec.kind} ${spec.name} needs`,
    });
    // Instead of AWSLambdaBasicExecutionRole (logs on every group): write to its own group only.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    // In the static-egress VPC Lambda creates the function's network interfaces with this role and refuses
    // CreateFunction without ec2:CreateNetworkInterface & co. CDK attaches this policy only to roles it creates
    // itself, and this role is ours (test/infra/aws-calls.test.ts simulates the ENI calls).
    if (core.vpc) role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));

    const asyncInvoked = spec.kind === 'job' && (spec.job.trigger === 'schedule' || spec.job.trigger === 'contract-schedule');
    this.fn = new lambda.Function(this, 'Function', {
      functionName,
      description: describe(spec),
      runtime: nodeRuntime,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: props.code,
      // Both mount under /opt/nodejs: the client layer's `@aws-sdk/*` imports resolve in the SDK layer.
      layers: [core.layer, core.sdkLayer],
      memorySize: sizing.memoryMb,
      reservedConcurrentExecutions: reservedConcurrencyFor(spec, config.reservedConcurrency),
      timeout: Duration.seconds(sizing.timeoutSeconds),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      // Text format: Powertools already writes JSON lines, and its EMF metrics (WebhookUnauthorized,
      // ReconciliationDiscrepancies) must reach CloudWatch unwrapped.
      loggingFormat: lambda.LoggingFormat.TEXT,
      role,
      environment: { [ENV.stage]: config.stage },
      deadLetterQueue: asyncInvoked ? core.asyncFailureDlq : undefined,
      vpc: core.vpc,
      vpcSubnets: core.vpc ? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } : undefined,
      securityGroups: core.functionSecurityGroup ? [core.functionSecurityGroup] : undefined,
    });

    this.#grant();
    this.#alarms(functionName);
    this.#acknowledge(asyncInvoked);
  }

  #env(name: string, value: string): void {
    this.fn.addEnvironment(name, value);
  }

  #allow(actions: string[], resources: string[], conditions?: Record<string, unknown>): void {
    this.fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources, conditions }));
  }

  /**
   * Exactly the DynamoDB actions of the function's data paths (access.ts): on the table what the paths send to
   * the table, and on its one index (no `index/*` wildcard) only the Query/Scan the paths send to the index.
   */
  #tables(): void {
    const core = this.#core;
    const tables: Record<SuiteTable, { table: dynamodb.Table; env: string; hasIndex: boolean }> = {
      idempotency: { table: core.idempotencyTable, env: ENV.idempotencyTable, hasIndex: false },
      ledger: { table: core.ledgerTable, env: ENV.ledgerTable, hasIndex: true },
      inbox: { table: core.inboxTable, env: ENV.inboxTable, hasIndex: true },
    };
    for (const [name, actions] of Object.entries(tableActionsOf(this.access)) as Array<[SuiteTable, string[]]>) {
      const { table, env, hasIndex } = tables[name];
      const reads = tableReads(this.access, name);
      const onTable = actions.filter((a) => (a !== 'dynamodb:Query' && a !== 'dynamodb:Scan') || reads.includes(a));
      if (onTable.length) this.#allow(onTable, [table.tableArn]);
      const onIndex = hasIndex ? indexReads(this.access, name) : [];
      if (onIndex.length) this.#allow(onIndex, [`${table.tableArn}/index/gsi1`]);
      this.#env(env, table.tableName);
    }
  }

  #grant(): void {
    const access = this.access;
    const config = this.#config;
    const core = this.#core;
    if (access.apiKey) {
      this.#allow(['secretsmanager:GetSecretValue'], [core.apiKeySecret.secretArn]);
      this.#env(ENV.apiKeySecretId, core.apiKeySecret.secretArn);
      this.#env(ENV.p100BaseUrl, config.p100BaseUrl);
      if (config.upstreamOverrides) this.#env(ENV.upstreamOverrides, config.upstreamOverrides);
      if (config.currencyRules) this.#env(ENV.currencyRules, config.currencyRules);
    }
    if (access.webhookToken) {
      this.#allow(['secretsmanager:GetSecretValue'], [core.webhookTokenSecret.secretArn]);
      this.#env(ENV.webhookTokenSecretId, core.webhookTokenSecret.secretArn);
    }
    if (access.dataKey) {
      this.#allow(['secretsmanager:GetSecretValue'], [core.dataKeySecret.secretArn]);
      this.#env(ENV.dataKeySecretId, core.dataKeySecret.secretArn);
    }
    this.#tables();
    if (access.sendWebhookQueue) {
      this.#allow(['sqs:SendMessage'], [core.webhookQueue.queueArn]);
      this.#env(ENV.webhookQueueUrl, core.webhookQueue.queueUrl);
    }
    if (access.sendReconcileQueue) {
      this.#allow(['sqs:SendMessage'], [core.reconcileQueue.queueArn]);
      this.#env(ENV.reconcileQueueUrl, core.reconcileQueue.queueUrl);
    }
    if (access.putEvents) {
      this.#allow(['events:PutEvents'], [core.bus.eventBusArn]);
      this.#env(ENV.eventBusName, core.bus.eventBusName);
    }
    if (access.upload !== 'none') {
      this.#allow([access.upload === 'put' ? 's3:PutObject' : 's3:GetObject'], [core.uploadObjectsArn]);
      // A reader must tell a missing upload (400) from a fault: without s3:ListBucket S3 answers 403 AccessDenied
      // for a key that does not exist, not 404 NoSuchKey. Only for the upload keys' prefix.
      if (access.upload === 'get') {
        this.#allow(['s3:ListBucket'], [core.uploadBucketArn], { StringLike: { 's3:prefix': ['uploads/*'] } });
      }
      // SSE-KMS: a (presigned) put needs a data key from the upload key, a get needs it decrypted; only
      // through S3, only this key.
      this.#allow([access.upload === 'put' ? 'kms:GenerateDataKey' : 'kms:Decrypt'], [core.uploadKey.keyArn], {
        StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` },
      });
      this.#env(ENV.uploadBucket, core.uploadBucketName);
    }
    if (access.invokeReconcile) {
      // Built from the physical name, not a reference: no cross-stack dependency and no `:*` qualifier wildcard.
      const name = physicalFunctionName(config, reconcileJobName());
      const arn = Stack.of(this).formatArn({ service: 'lambda', resource: 'function', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
      this.#allow(['lambda:InvokeFunction'], [arn]);
      this.#env(ENV.reconcileFunctionName, name);
    }
  }

  /**
   * Errors and throttles, named `<prefix>-<Family>Errors-<function>` and linked to the runbook entry of
   * their family (infra/lib/runbook.ts): the paged person reads the function and what to do in the e-mail.
   */
  #alarms(functionName: string): void {
    const topic = this.#core.alarmTopic;
    const config = this.#config;
    const period = Duration.minutes(5);
    const family = functionAlarmFamily(this.spec);
    const errors = `${family}Errors`;
    const throttles = `${family}Throttles`;
    const alarms = [
      this.fn.metricErrors({ period, statistic: 'Sum' }).createAlarm(this, 'ErrorsAlarm', {
        alarmName: alarmName(config.prefix, errors, this.spec.name),
        alarmDescription: alarmDescription(config.runbookUrl, errors, `${functionName} failed (unhandled error or timeout).`),
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      this.fn.metricThrottles({ period, statistic: 'Sum' }).createAlarm(this, 'ThrottlesAlarm', {
        alarmName: alarmName(config.prefix, throttles, this.spec.name),
        alarmDescription: alarmDescription(config.runbookUrl, throttles, `${functionName} was throttled (account or reserved concurrency exhausted).`),
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    if (topic) for (const a of alarms) a.addAlarmAction(new cwActions.SnsAction(topic));
  }

  #acknowledge(asyncInvoked: boolean): void {
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords) has no resource-level permissions.',
    });
    if (this.access.upload !== 'none') {
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${this.#core.uploadObjectsArnForNag}]`,
        reason: `Object keys in the upload bucket are generated per upload; ${this.access.upload === 'put' ? 's3:PutObject' : 's3:GetObject (and s3:ListBucket for the uploads/ prefix only, so a missing key is a 404)'} only, on this one bucket.`,
      });
    }
    if (!asyncInvoked) {
      Validations.of(this).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          this.spec.kind === 'job'
            ? 'Invoked by an SQS event source mapping: failed messages go to the queue redrive DLQ; a function DLQ only applies to asynchronous invocations.'
            : 'Invoked synchronously by API Gateway: the caller receives the error; a function DLQ only applies to asynchronous invocations.',
      });
    }
    if (this.#core.vpc) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason:
          'Functions in the static-egress VPC need ENI management (ec2:CreateNetworkInterface etc.), which has no resource-level scoping; AWS maintains this minimal policy.',
      });
    }
  }
}

function describe(spec: FunctionSpec): string {
  switch (spec.kind) {
    case 'operation':
      return `${spec.operation.route.method} ${spec.operation.route.path}: ${spec.operation.summary}`.slice(0, 256);
    case 'webhook':
      return `Webhook receiver for POST ${spec.webhook.path}`;
    case 'webhookHealth':
      return `Webhook health probe GET/HEAD ${spec.path}`;
    case 'openApi':
      return `GET ${spec.path}: OpenAPI 3.1 document of the operations`;
    case 'job':
      return spec.job.summary.slice(0, 256);
  }
}
