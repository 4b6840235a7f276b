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
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const table = (name: string, withSortKey: boolean, withStatusIndex: boolean): dynamodb.Table => {
      const t = new dynamodb.Table(this, name, {
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
    this.idempotencyTable = table('IdempotencyTable', false, false);
    this.ledgerTable = table('LedgerTable', true, true);
    this.inboxTable = table('InboxTable', true, true);

    const dlq = (name: string): sqs.Queue => {
      const q = new sqs.Queue(this, name, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        removalPolicy,
      });
      Validations.of(q).acknowledge(
        { id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue; a DLQ of a DLQ would only move the problem.' },
        { id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is itself a dead-letter queue; messages stay here (14 days) for the operator to inspect and replay.' },
      );
      return q;
    };
    const workQueue = (name: string, deadLetterQueue: sqs.Queue, visibilityTimeout: Duration): sqs.Queue =>
      new sqs.Queue(this, name, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // At least 6x the consumer's timeout (AWS guidance for Lambda event sources).
        visibilityTimeout,
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: QUEUE_MAX_RECEIVE_COUNT },
        removalPolicy,
      });
    this.webhookDlq = dlq('WebhookDlq');
    this.webhookQueue = workQueue('WebhookQueue', this.webhookDlq, Duration.minutes(6));
    this.reconcileDlq = dlq('ReconcileDlq');
    this.reconcileQueue = workQueue('ReconcileQueue', this.reconcileDlq, Duration.minutes(30));
    this.asyncFailureDlq = dlq('AsyncFailureDlq');

    this.bus = new events.EventBus(this, 'Bus', { eventBusName: `${config.prefix}-events` });

    // One key per purpose, so a key policy (and a key disabled in an incident) concerns one kind of data.
    this.logsKey = new kms.Key(this, 'LogsKey', {
      enableKeyRotation: true,
      description: `${config.prefix}: encrypts the suite's CloudWatch log groups`,
      removalPolicy,
    });
    // CloudWatch Logs encrypts with the key only for the suite's own log groups (the encryption context
    // names the log group), as https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html shows.
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsForSuiteLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroupArnPatterns(config.prefix) } },
      }),
    );
    this.uploadKey = new kms.Key(this, 'UploadKey', {
      enableKeyRotation: true,
      description: `${config.prefix}: encrypts KYC/POA documents in the upload bucket`,
      removalPolicy,
    });

    const secret = (name: string, suffix: string, description: string): secretsmanager.Secret => {
      const s = new secretsmanager.Secret(this, name, {
        secretName: `${config.prefix}/${suffix}`,
        description,
        // A random placeholder until the operator stores the real value (infra/README.md "After deploy").
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
        removalPolicy,
      });
      Validations.of(s).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'The value is issued by P100 out of band (partner portal); there is no P100 API a rotation Lambda could call. Rotation is an operator runbook step.',
      });
      return s;
    };
    this.apiKeySecret = secret('ApiKeySecret', 'p100-api-key', 'P100 Partner API key (x-api-key). Read by operation functions and reconciliation only.');
    this.webhookTokenSecret = secret('WebhookTokenSecret', 'webhook-token', 'Token P100 sends in the Authorization header of webhooks. Read by webhook receivers only.');

    this.dataKeySecret = new secretsmanager.Secret(this, 'DataKeySecret', {
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
    Validations.of(this.dataKeySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A new data key makes every stored fingerprint, dedup key and seal unverifiable, so it cannot rotate on a schedule: rotation is an operator step that stores {"current","previous"} and keeps the old key until the data it protects has expired (infra/README.md "Data key").',
    });

    const accessLogs = new s3.Bucket(this, 'AccessLogsBucket', {
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
    this.uploadBucketName = `${config.prefix}-uploads-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
    this.uploadObjectsArn = `arn:${Aws.PARTITION}:s3:::${this.uploadBucketName}/*`;
    this.uploadObjectsArnForNag = `arn:<AWS::Partition>:s3:::${config.prefix}-uploads-<AWS::AccountId>-<AWS::Region>/*`;
    this.uploadBucket = new s3.Bucket(this, 'UploadBucket', {
      bucketName: this.uploadBucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.uploadKey,
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

    this.layer = new lambda.LayerVersion(this, 'ClientLayer', {
      code: props.layerCode,
      compatibleRuntimes: [nodeRuntime],
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      description: 'P100 suite client layer (shared/): catalog, P100 client, secrets, middleware, store, events',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.sdkLayer = new lambda.LayerVersion(this, 'SdkLayer', {
      code: props.sdkLayerCode,
      compatibleRuntimes: [nodeRuntime],
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      description: 'AWS SDK v3 as pinned by package-lock.json: one ESM bundle per @aws-sdk package the client layer imports',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    if (config.retainData) {
      const key = new kms.Key(this, 'AlarmTopicKey', {
        enableKeyRotation: true,
        description: 'Encrypts the alarm topic; CloudWatch alarms may use it to publish',
        removalPolicy,
      });
      key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
      this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: `P100 suite (${config.stage}) alarms`, masterKey: key, enforceSSL: true });
      if (config.alarmEmail) {
        const sub = this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
        Validations.of(sub).acknowledge({
          id: 'Serverless-SNSRedrivePolicy',
          reason: 'Optional operator e-mail subscription: an undelivered alarm e-mail has nothing to replay (the alarm stays in ALARM on the dashboard); more subscribers are added outside this stack.',
        });
      }
    }

    if (config.staticEgress) {
      const eip = new ec2.CfnEIP(this, 'EgressIp', { domain: 'vpc', tags: [{ key: 'Name', value: `${config.prefix}-egress` }] });
      this.vpc = new ec2.Vpc(this, 'Vpc', {
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
              new logs.LogGroup(this, 'VpcFlowLogs', {
                logGroupName: `/${config.prefix}/vpc-flow-logs`,
                retention: config.logRetentionDays,
                encryptionKey: this.logsKey,
                removalPolicy,
              }),
            ),
            trafficType: ec2.FlowLogTrafficType.REJECT,
          },
        },
      });
      this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
        vpc: this.vpc,
        description: 'P100 suite functions: no inbound, HTTPS out (P100 through the NAT, AWS APIs)',
        allowAllOutbound: false,
      });
      this.functionSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to P100 and AWS endpoints');
      new CfnOutput(this, 'StaticEgressIp', {
        value: eip.attrPublicIp,
        description: "Register this address in P100's IP allow-list: every call to P100 leaves from it",
      });
    }
  }
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
