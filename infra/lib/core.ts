import { Aws, CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUE_MAX_RECEIVE_COUNT } from '../../shared/config/constants.js';
import type { SuiteConfig } from './config.js';
import { nodeRuntime } from './runtime.js';

export interface SuiteCoreProps {
  config: SuiteConfig;
  layerCode: lambda.Code;
  sdkLayerCode: lambda.Code;
}

/**
 * The stateful core every function shares: tables, queues with DLQs, the event bus, the three secrets,
 * the upload bucket, the customer-managed KMS keys, the client and SDK layers, the alarm topic and
 * (optionally) the static-egress VPC.
 *
 * Each part is built by a named step below with its own defaults table; in short:
 *
 * Default settings:
 * | resource | setting |
 * |---|---|
 * | tables | on-demand, PITR, TTL `expiresAt`, AWS-managed KMS; production: deletion protection + RETAIN |
 * | queues | SSE-SQS, TLS-only policy, DLQ after 5 receives, DLQ kept 14 days |
 * | KMS keys | one per purpose (log groups, upload bucket, alarm topic), rotation on, RETAIN in production |
 * | log groups | encrypted with the logs key; its policy lets CloudWatch Logs use it for the suite's groups only |
 * | upload bucket | SSE-KMS with the upload key and an S3 bucket key, block all public access, TLS-only, objects expire after 1 day, access logs to the logs bucket |
 * | access-log bucket | SSE-S3 (the only encryption S3 log delivery supports), ACLs disabled, delivery by bucket policy |
 * | secrets | AWS-managed key; P100 values: random placeholder (set the real one after deploy); data key: generated, 256 bits |
 * | alarm topic | production only, customer KMS key CloudWatch may use, TLS-only |
 */
export class SuiteCore extends Construct {
  readonly idempotencyTable: dynamodb.Table;
  readonly ledgerTable: dynamodb.Table;
  readonly inboxTable: dynamodb.Table;
  readonly webhookQueue: sqs.Queue;
  readonly webhookDlq: sqs.Queue;
  readonly reconcileQueue: sqs.Queue;
  readonly reconcileDlq: sqs.Queue;
  /** Dead-letter target of asynchronously invoked functions (reconcile). */
  readonly asyncFailureDlq: sqs.Queue;
  readonly bus: events.EventBus;
  readonly apiKeySecret: secretsmanager.Secret;
  readonly webhookTokenSecret: secretsmanager.Secret;
  /** The suite's data key: root of the keyed HMACs (idempotency fingerprints, webhook dedup keys) and seals. */
  readonly dataKeySecret: secretsmanager.Secret;
  /** Encrypts every log group of the suite (functions, API access logs, VPC flow logs). */
  readonly logsKey: kms.Key;
  /** Encrypts the KYC/POA upload bucket. */
  readonly uploadKey: kms.Key;
  readonly uploadBucket: s3.Bucket;
  /**
   * The upload bucket's name and object ARN, built from pseudo parameters rather than references,
   * so function stacks grant on it without cross-stack parameters and cdk-nag findings have a stable id.
   */
  readonly uploadBucketName: string;
  readonly uploadObjectsArn: string;
  /** The upload bucket's own ARN (s3:ListBucket), built like {@link uploadObjectsArn}. */
  readonly uploadBucketArn: string;
  readonly uploadObjectsArnForNag: string;
  readonly layer: lambda.LayerVersion;
  /** Our pinned AWS SDK (`/opt/nodejs/node_modules/@aws-sdk/*`), so the client layer never uses the runtime's. */
  readonly sdkLayer: lambda.LayerVersion;
  readonly alarmTopic: sns.Topic | undefined;
  readonly vpc: ec2.Vpc | undefined;
  readonly functionSecurityGroup: ec2.SecurityGroup | undefined;

  constructor(scope: Construct, id: string, props: SuiteCoreProps) {
    super(scope, id);
    const { config } = props;
    // Every resource is a direct child of this construct, as before the split: the logical ids stay.
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const tables = suiteTables(this, config, removalPolicy);
    this.idempotencyTable = tables.idempotency;
    this.ledgerTable = tables.ledger;
    this.inboxTable = tables.inbox;
    const queues = suiteQueues(this, removalPolicy);
    this.webhookDlq = queues.webhookDlq;
    this.webhookQueue = queues.webhookQueue;
    this.reconcileDlq = queues.reconcileDlq;
    this.reconcileQueue = queues.reconcileQueue;
    this.asyncFailureDlq = queues.asyncFailureDlq;
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: `${config.prefix}-events` });
    const keys = suiteKeys(this, config, removalPolicy);
    this.logsKey = keys.logs;
    this.uploadKey = keys.upload;
    const secrets = suiteSecrets(this, config, removalPolicy);
    this.apiKeySecret = secrets.apiKey;
    this.webhookTokenSecret = secrets.webhookToken;
    this.dataKeySecret = secrets.dataKey;
    const uploads = uploadStorage(this, config, this.uploadKey, removalPolicy);
    this.uploadBucketName = uploads.bucketName;
    this.uploadObjectsArn = uploads.objectsArn;
    this.uploadBucketArn = `arn:${Aws.PARTITION}:s3:::${uploads.bucketName}`;
    this.uploadObjectsArnForNag = uploads.objectsArnForNag;
    this.uploadBucket = uploads.bucket;
    const layers = suiteLayers(this, props);
    this.layer = layers.client;
    this.sdkLayer = layers.sdk;
    this.alarmTopic = config.retainData ? alarmTopic(this, config, removalPolicy) : undefined;
    const egress = config.staticEgress ? staticEgress(this, config, this.logsKey, removalPolicy) : undefined;
    this.vpc = egress?.vpc;
    this.functionSecurityGroup = egress?.securityGroup;
  }
}

/**
 * The three tables; ids `IdempotencyTable`, `LedgerTable`, `InboxTable`.
 *
 * Default settings:
 * | setting | value |
 * |---|---|
 * | keys | `pk` (string); ledger and inbox also `sk` (string) |
 * | billing | on-demand |
 * | point-in-time recovery | on |
 * | TTL attribute | `expiresAt` |
 * | encryption | AWS-managed KMS |
 * | index | ledger and inbox: `gsi1` (`gsi1pk`, `gsi1sk`) |
 * | deletion protection, removal | production (`retainData`): protected + RETAIN; otherwise DESTROY |
 */
function suiteTables(
  scope: Construct,
  config: SuiteConfig,
  removalPolicy: RemovalPolicy,
): { idempotency: dynamodb.Table; ledger: dynamodb.Table; inbox: dynamodb.Table } {
  const table = (name: string, withSortKey: boolean, withStatusIndex: boolean): dynamodb.Table => {
    const t = new dynamodb.Table(scope, name, {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: withSortKey ? { name: 'sk', type: dynamodb.AttributeType.STRING } : undefined,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: config.retainData,
      removalPolicy,
    });
    if (withStatusIndex) {
      // "operations by status" (ledger) and "events by state" (inbox): reconciliation and the operator list read these.
      t.addGlobalSecondaryIndex({
        indexName: 'gsi1',
        partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
      });
    }
    return t;
  };
  return { idempotency: table('IdempotencyTable', false, false), ledger: table('LedgerTable', true, true), inbox: table('InboxTable', true, true) };
}

/**
 * The work queues and their dead-letter queues; ids `WebhookDlq`, `WebhookQueue`, `ReconcileDlq`,
 * `ReconcileQueue`, `AsyncFailureDlq`.
 *
 * Default settings:
 * | setting | work queue | dead-letter queue |
 * |---|---|---|
 * | encryption | SSE-SQS | SSE-SQS |
 * | transport | TLS only | TLS only |
 * | retention | 4 days | 14 days |
 * | visibility timeout | webhook 6 min, reconcile 30 min (6x the consumer's timeout) | default |
 * | redrive | to its DLQ after 5 receives | none (a DLQ of a DLQ would only move the problem) |
 */
function suiteQueues(
  scope: Construct,
  removalPolicy: RemovalPolicy,
): { webhookDlq: sqs.Queue; webhookQueue: sqs.Queue; reconcileDlq: sqs.Queue; reconcileQueue: sqs.Queue; asyncFailureDlq: sqs.Queue } {
  const dlq = (name: string): sqs.Queue => {
    const q = new sqs.Queue(scope, name, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    Validations.of(q).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue; a DLQ of a DLQ would only move the problem.' },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This queue is itself a dead-letter queue; messages stay here (14 days) for the operator to inspect and replay.',
      },
    );
    return q;
  };
  const workQueue = (name: string, deadLetterQueue: sqs.Queue, visibilityTimeout: Duration): sqs.Queue =>
    new sqs.Queue(scope, name, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // At least 6x the consumer's timeout (AWS guidance for Lambda event sources).
      visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: QUEUE_MAX_RECEIVE_COUNT },
      removalPolicy,
    });
  const webhookDlq = dlq('WebhookDlq');
  const webhookQueue = workQueue('WebhookQueue', webhookDlq, Duration.minutes(6));
  const reconcileDlq = dlq('ReconcileDlq');
  const reconcileQueue = workQueue('ReconcileQueue', reconcileDlq, Duration.minutes(30));
  return { webhookDlq, webhookQueue, reconcileDlq, reconcileQueue, asyncFailureDlq: dlq('AsyncFailureDlq') };
}

/**
 * One customer-managed key per purpose, so a key policy (and a key disabled in an incident) concerns one
 * kind of data; ids `LogsKey`, `UploadKey`.
 *
 * Default settings:
 * | setting | value |
 * |---|---|
 * | rotation | on |
 * | logs key policy | CloudWatch Logs may use it for the suite's log groups only (encryption context) |
 * | removal | RETAIN in production (`retainData`), otherwise DESTROY |
 */
function suiteKeys(scope: Construct, config: SuiteConfig, removalPolicy: RemovalPolicy): { logs: kms.Key; upload: kms.Key } {
  const logs = new kms.Key(scope, 'LogsKey', {
    enableKeyRotation: true,
    description: `${config.prefix}: encrypts the suite's CloudWatch log groups`,
    removalPolicy,
  });
  // CloudWatch Logs encrypts with the key only for the suite's own log groups (the encryption context
  // names the log group), as https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html shows.
  logs.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchLogsForSuiteLogGroups',
      principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroupArnPatterns(config.prefix) } },
    }),
  );
  const upload = new kms.Key(scope, 'UploadKey', {
    enableKeyRotation: true,
    description: `${config.prefix}: encrypts KYC/POA documents in the upload bucket`,
    removalPolicy,
  });
  return { logs, upload };
}

/**
 * The three secrets; ids `ApiKeySecret`, `WebhookTokenSecret`, `DataKeySecret`.
 *
 * Default settings:
 * | setting | P100 API key, webhook token | data key |
 * |---|---|---|
 * | name | `<prefix>/p100-api-key`, `<prefix>/webhook-token` | `<prefix>/data-key` |
 * | encryption | AWS-managed key | AWS-managed key |
 * | initial value | random placeholder, 48 characters (the operator stores P100's value after deploy) | generated: unpadded base64 of 32 random bytes |
 * | rotation | operator runbook (P100 issues the value out of band) | operator step keeping the previous key |
 */
function suiteSecrets(
  scope: Construct,
  config: SuiteConfig,
  removalPolicy: RemovalPolicy,
): { apiKey: secretsmanager.Secret; webhookToken: secretsmanager.Secret; dataKey: secretsmanager.Secret } {
  const secret = (name: string, suffix: string, description: string): secretsmanager.Secret => {
    const s = new secretsmanager.Secret(scope, name, {
      secretName: `${config.prefix}/${suffix}`,
      description,
      // A random placeholder until the operator stores the real value (infra/README.md "After deploy").
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(s).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The value is issued by P100 out of band (partner portal); there is no P100 API a rotation Lambda could call. Rotation is an operator runbook step.',
    });
    return s;
  };
  const apiKey = secret('ApiKeySecret', 'p100-api-key', 'P100 Partner API key (x-api-key). Read by operation functions and reconciliation only.');
  const webhookToken = secret(
    'WebhookTokenSecret',
    'webhook-token',
    'Token P100 sends in the Authorization header of webhooks. Read by webhook receivers only.',
  );

  const dataKey = new secretsmanager.Secret(scope, 'DataKeySecret', {
    secretName: `${config.prefix}/data-key`,
    description: 'Data key of the suite (base64 of 32 random bytes): keyed HMACs of idempotency fingerprints and webhook dedup keys, seals of data at rest.',
    // 43 characters drawn from exactly the 64 characters of the base64 alphabet: unpadded base64 of
    // 32 random bytes (43 x 6 = 258 bits, the last 2 dropped by the decoder: 256 bits of key). Secrets
    // Manager generates it at deploy time; the value never appears in a template.
    generateSecretString: {
      passwordLength: 43,
      excludeCharacters: dataKeyExcludedCharacters,
      requireEachIncludedType: false,
      includeSpace: false,
    },
    removalPolicy,
  });
  Validations.of(dataKey).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'A new data key makes every stored fingerprint, dedup key and seal unverifiable, so it cannot rotate on a schedule: rotation is an operator step that stores {"current","previous"} and keeps the old key until the data it protects has expired (infra/README.md "Data key").',
  });
  return { apiKey, webhookToken, dataKey };
}

/**
 * The KYC/POA upload bucket and its server-access-log bucket; ids `AccessLogsBucket`, `UploadBucket`.
 * The upload bucket's name and object ARN are built from pseudo parameters rather than references, so
 * function stacks grant on it without cross-stack parameters and cdk-nag findings have a stable id.
 *
 * Default settings:
 * | setting | upload bucket | access-log bucket |
 * |---|---|---|
 * | name | `<prefix>-uploads-<account>-<region>` | generated |
 * | encryption | SSE-KMS with the upload key, S3 bucket key on | SSE-S3 (the only encryption S3 log delivery supports) |
 * | public access | all blocked | all blocked |
 * | transport | TLS only | TLS only |
 * | object ownership | default | bucket owner enforced (ACLs disabled, delivery by bucket policy) |
 * | expiry | objects and incomplete uploads after 1 day | 365 days in production (`retainData`), 90 otherwise |
 * | access logs | to the access-log bucket, prefix `uploads/` | none (it would log its own deliveries) |
 */
function uploadStorage(
  scope: Construct,
  config: SuiteConfig,
  uploadKey: kms.Key,
  removalPolicy: RemovalPolicy,
): { bucketName: string; objectsArn: string; objectsArnForNag: string; bucket: s3.Bucket } {
  const accessLogs = new s3.Bucket(scope, 'AccessLogsBucket', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    // ACLs disabled: log delivery is granted by the bucket policy (feature flag serverAccessLogsUseBucketPolicy).
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ expiration: Duration.days(config.retainData ? 365 : 90) }],
    removalPolicy,
  });
  Validations.of(accessLogs).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'This is the server-access-log bucket of the upload bucket; logging it into itself would log its own log deliveries forever.',
  });
  const bucketName = `${config.prefix}-uploads-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
  const bucket = new s3.Bucket(scope, 'UploadBucket', {
    bucketName,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: uploadKey,
    // One data key per bucket (rotated by S3) instead of a KMS call per object: cheaper, fewer throttles.
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: false,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: 'uploads/',
    // KYC/POA documents only transit here on their way to P100: keep them as briefly as possible.
    lifecycleRules: [{ expiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    removalPolicy,
  });
  return {
    bucketName,
    objectsArn: `arn:${Aws.PARTITION}:s3:::${bucketName}/*`,
    objectsArnForNag: `arn:<AWS::Partition>:s3:::${config.prefix}-uploads-<AWS::AccountId>-<AWS::Region>/*`,
    bucket,
  };
}

/**
 * The client layer (shared/) and the pinned AWS SDK layer; ids `ClientLayer`, `SdkLayer`.
 *
 * Default settings:
 * | setting | value |
 * |---|---|
 * | runtime, architecture | the suite's Node runtime (runtime.ts), arm64 |
 * | removal | RETAIN (a function version still running may reference an old layer version) |
 */
function suiteLayers(scope: Construct, props: SuiteCoreProps): { client: lambda.LayerVersion; sdk: lambda.LayerVersion } {
  const client = new lambda.LayerVersion(scope, 'ClientLayer', {
    code: props.layerCode,
    compatibleRuntimes: [nodeRuntime],
    compatibleArchitectures: [lambda.Architecture.ARM_64],
    description: 'P100 suite client layer (shared/): catalog, P100 client, secrets, middleware, store, events',
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const sdk = new lambda.LayerVersion(scope, 'SdkLayer', {
    code: props.sdkLayerCode,
    compatibleRuntimes: [nodeRuntime],
    compatibleArchitectures: [lambda.Architecture.ARM_64],
    description: 'AWS SDK v3 as pinned by package-lock.json: one ESM bundle per @aws-sdk package the client layer imports',
    removalPolicy: RemovalPolicy.RETAIN,
  });
  return { client, sdk };
}

/**
 * The alarm topic, production only (`retainData`); ids `AlarmTopicKey`, `AlarmTopic`.
 *
 * Default settings:
 * | setting | value |
 * |---|---|
 * | encryption | its own customer-managed key (rotation on) that CloudWatch may use to publish |
 * | transport | TLS only |
 * | subscription | the operator's e-mail when `alarmEmail` is set |
 */
function alarmTopic(scope: Construct, config: SuiteConfig, removalPolicy: RemovalPolicy): sns.Topic {
  const key = new kms.Key(scope, 'AlarmTopicKey', {
    enableKeyRotation: true,
    description: 'Encrypts the alarm topic; CloudWatch alarms may use it to publish',
    removalPolicy,
  });
  key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
  const topic = new sns.Topic(scope, 'AlarmTopic', { displayName: `P100 suite (${config.stage}) alarms`, masterKey: key, enforceSSL: true });
  // A topic policy replaces SNS's default policy (which lets the account's services publish), and enforceSSL
  // creates one: without this Allow, no alarm reaches the topic. Only this account's alarms of this stage.
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsOfThisStage',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${config.prefix}-*` },
      },
    }),
  );
  if (config.alarmEmail) {
    const sub = topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    Validations.of(sub).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason:
        'Optional operator e-mail subscription: an undelivered alarm e-mail has nothing to replay (the alarm stays in ALARM on the dashboard); more subscribers are added outside this stack.',
    });
  }
  return topic;
}

/**
 * The static-egress network (`staticEgress`), so every call to P100 leaves from one registered address;
 * ids `EgressIp`, `Vpc`, `VpcFlowLogs`, `FunctionSecurityGroup`, output `StaticEgressIp`.
 *
 * Default settings:
 * | setting | value |
 * |---|---|
 * | VPC | 2 AZs, public /24 and private-with-egress /22 subnets, one NAT gateway on the Elastic IP |
 * | flow logs | rejected traffic, to `/<prefix>/vpc-flow-logs` encrypted with the logs key |
 * | function security group | no inbound; outbound HTTPS (443) only |
 */
function staticEgress(
  scope: Construct,
  config: SuiteConfig,
  logsKey: kms.Key,
  removalPolicy: RemovalPolicy,
): { vpc: ec2.Vpc; securityGroup: ec2.SecurityGroup } {
  const eip = new ec2.CfnEIP(scope, 'EgressIp', { domain: 'vpc', tags: [{ key: 'Name', value: `${config.prefix}-egress` }] });
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    natGatewayProvider: ec2.NatProvider.gateway({ eipAllocationIds: [eip.attrAllocationId] }),
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
    ],
    restrictDefaultSecurityGroup: false,
    flowLogs: {
      rejected: {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(
          new logs.LogGroup(scope, 'VpcFlowLogs', {
            logGroupName: `/${config.prefix}/vpc-flow-logs`,
            retention: config.logRetentionDays,
            encryptionKey: logsKey,
            removalPolicy,
          }),
        ),
        trafficType: ec2.FlowLogTrafficType.REJECT,
      },
    },
  });
  const securityGroup = new ec2.SecurityGroup(scope, 'FunctionSecurityGroup', {
    vpc,
    description: 'P100 suite functions: no inbound, HTTPS out (P100 through the NAT, AWS APIs)',
    allowAllOutbound: false,
  });
  securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to P100 and AWS endpoints');
  new CfnOutput(scope, 'StaticEgressIp', {
    value: eip.attrPublicIp,
    description: "Register this address in P100's IP allow-list: every call to P100 leaves from it",
  });
  return { vpc, securityGroup };
}

/**
 * The log groups the logs key may encrypt: the functions' (`/aws/lambda/<prefix>-*`) and the suite's own
 * (`/<prefix>/*`: API access logs, VPC flow logs).
 */
export function logGroupArnPatterns(prefix: string): string[] {
  return [`/aws/lambda/${prefix}-*`, `/${prefix}/*`].map((name) => `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${name}`);
}

/** Secrets Manager's punctuation minus `+` and `/`: what is left is the base64 alphabet. */
export const dataKeyExcludedCharacters = `!"#$%&'()*,-.:;<=>?@[\\]^_\`{|}~`;
