import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { webhooks } from '../../shared/webhooks/catalog.js';
import { synthSuite, type StackTemplate, type Synthesized } from './synth.js';

const parentOf = (s: Synthesized): StackTemplate => s.stacks.find((t) => t.name === 'parent')!;

describe('stateful resources, staging defaults', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthSuite();
  });

  it('creates the three tables on demand with PITR and TTL on expiresAt', () => {
    const tables = parentOf(s).template.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toHaveLength(3);
    for (const t of Object.values(tables)) {
      expect(t.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true },
      });
    }
  });

  it('keys the ledger and the inbox by pk/sk with the gsi1 status index', () => {
    const withIndex = Object.values(parentOf(s).template.findResources('AWS::DynamoDB::Table')).filter((t) => t.Properties.GlobalSecondaryIndexes);
    expect(withIndex).toHaveLength(2);
    for (const t of withIndex) {
      expect(t.Properties.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(t.Properties.GlobalSecondaryIndexes).toEqual([
        expect.objectContaining({
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
        }),
      ]);
    }
  });

  it('gives both work queues a DLQ and encrypts every queue', () => {
    const queues = parentOf(s).template.findResources('AWS::SQS::Queue');
    const redriven = Object.values(queues).filter((q) => q.Properties?.RedrivePolicy);
    expect(redriven).toHaveLength(2);
    for (const q of redriven) {
      expect(q.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
      const [dlqId, attr] = q.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'] as [string, string];
      expect(attr).toBe('Arn');
      expect(queues[dlqId], 'the DLQ is a queue of this stack').toBeDefined();
    }
    for (const q of Object.values(queues)) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('denies non-TLS access to every queue', () => {
    const policies = Object.values(parentOf(s).template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(Object.keys(parentOf(s).template.findResources('AWS::SQS::Queue')).length);
    for (const p of policies) expect(JSON.stringify(p.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('blocks public access to the upload bucket, enforces TLS and expires uploads after a day', () => {
    const t = parentOf(s).template;
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 1, Status: 'Enabled' })]) },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
    });
    const bucketPolicies = Object.values(t.findResources('AWS::S3::BucketPolicy'));
    expect(bucketPolicies.length).toBeGreaterThanOrEqual(1);
    for (const p of bucketPolicies) expect(JSON.stringify(p.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('keeps the three secrets in Secrets Manager under the stage prefix', () => {
    const secrets = Object.values(parentOf(s).template.findResources('AWS::SecretsManager::Secret')).map((r) => r.Properties.Name);
    expect(secrets.sort()).toEqual(['p100-staging/data-key', 'p100-staging/p100-api-key', 'p100-staging/webhook-token']);
  });

  it('lets staging be destroyed: tables without deletion protection, DeletionPolicy Delete', () => {
    const tables = Object.values(parentOf(s).template.findResources('AWS::DynamoDB::Table'));
    for (const t of tables) {
      expect(t.DeletionPolicy).toBe('Delete');
      expect(t.Properties.DeletionProtectionEnabled).toBe(false);
    }
  });

  it('logs API access as JSON and throttles the default route', () => {
    parentOf(s).template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('alarms on DLQ depth, reconciliation discrepancies and webhook 401 spikes', () => {
    const t = parentOf(s).template;
    // Dimensions as Powertools Metrics publishes them (it always adds `service`).
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'P100Suite',
      MetricName: 'ReconciliationDiscrepancies',
      Dimensions: [{ Name: 'service', Value: 'reconciliation' }],
    });
    for (const w of webhooks) {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'P100Suite',
        MetricName: 'WebhookUnauthorized',
        Dimensions: Match.arrayEquals([
          { Name: 'service', Value: 'webhooks' },
          { Name: 'webhook', Value: w.name },
        ]),
      });
    }
    expect(Object.values(t.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ApproximateNumberOfMessagesVisible' } }))).toHaveLength(3);
    // The suite overview and one per concern (money operations, webhooks, reconciliation; runbook.test.ts).
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 4);
  });

  it('alarms on errors and throttles of every function', () => {
    for (const stack of s.stacks.filter((x) => x.name !== 'parent')) {
      const functions = Object.keys(stack.template.findResources('AWS::Lambda::Function')).length;
      expect(Object.keys(stack.template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'Errors' } }))).toHaveLength(functions);
      expect(Object.keys(stack.template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'Throttles' } }))).toHaveLength(functions);
    }
  });

  it('retains nothing in staging that would block a teardown, and wires no alarm actions', () => {
    parentOf(s).template.resourceCountIs('AWS::SNS::Topic', 0);
    expect(Object.values(parentOf(s).template.findResources('AWS::CloudWatch::Alarm')).every((a) => !a.Properties.AlarmActions)).toBe(true);
  });
});

describe('production defaults', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthSuite({ stage: 'production', staticEgress: 'true' });
  });

  it('targets the production P100 base URL', () => {
    const fnEnv = Object.values(s.stacks.find((t) => t.name === 'Jobs')!.template.findResources('AWS::Lambda::Function')).map(
      (f) => f.Properties.Environment.Variables,
    );
    expect(fnEnv.filter((v) => v.P100_BASE_URL).every((v) => v.P100_BASE_URL === 'https://partner-api.p100.io')).toBe(true);
    expect(fnEnv.every((v) => v.STAGE === 'production')).toBe(true);
  });

  it('retains tables with deletion protection', () => {
    for (const t of Object.values(parentOf(s).template.findResources('AWS::DynamoDB::Table'))) {
      expect(t.DeletionPolicy).toBe('Retain');
      expect(t.Properties.DeletionProtectionEnabled).toBe(true);
    }
  });

  it('sends every alarm, suite-wide and per function, to the SNS topic', () => {
    parentOf(s).template.resourceCountIs('AWS::SNS::Topic', 1);
    for (const stack of s.stacks) {
      for (const a of Object.values(stack.template.findResources('AWS::CloudWatch::Alarm'))) expect(a.Properties.AlarmActions).toHaveLength(1);
    }
  });

  it('puts functions in private subnets behind one NAT gateway and outputs its Elastic IP', () => {
    const t = parentOf(s).template;
    t.resourceCountIs('AWS::EC2::NatGateway', 1);
    t.resourceCountIs('AWS::EC2::EIP', 1);
    const outputs = Object.entries(parentOf(s).json.Outputs ?? {});
    expect(outputs.some(([k, o]) => k.includes('StaticEgressIp') && JSON.stringify(o.Value).includes('PublicIp'))).toBe(true);
    for (const stack of s.stacks.filter((x) => x.name !== 'parent')) {
      for (const f of Object.values(stack.template.findResources('AWS::Lambda::Function'))) {
        expect(f.Properties.VpcConfig?.SubnetIds).toHaveLength(2);
      }
    }
  });
});
