/**
 * Data at rest under the suite's own keys (issue 12): customer-managed KMS keys, one per purpose with
 * rotation, on every log group and on the KYC/POA upload bucket; access logs delivered by bucket policy.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { allResources, functionNamed, synthSuite, type CfnResource, type StackTemplate, type Synthesized } from './synth.js';

const repoRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const parentOf = (s: Synthesized): StackTemplate => s.stacks.find((t) => t.name === 'parent')!;

/** The logical id of the parent's resource whose id starts with `prefix` (`CoreLogsKey...`). */
function logicalIdOf(s: Synthesized, type: string, prefix: string): string {
  const ids = Object.keys(parentOf(s).template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids, `${type} ${prefix}`).toHaveLength(1);
  return ids[0]!;
}

/**
 * Whether a property refers to the resource: by its logical id in the parent, through a
 * `referenceto<Stack><Path><hash>Arn` parameter (another hash) in a nested stack.
 */
const refersTo = (value: unknown, logicalId: string): boolean => {
  const json = JSON.stringify(value ?? null);
  return json.includes(`"${logicalId}"`) || new RegExp(`"referenceto\\w*${logicalId.slice(0, -8)}[0-9A-F]{8}(Arn|Ref)"`).test(json);
};

describe.each([
  ['staging', {}],
  ['production with static egress', { stage: 'production', staticEgress: 'true' }],
])('%s', (_label, context) => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthSuite(context);
  });

  it('turns rotation on for every KMS key', () => {
    const keys = allResources(s).filter((r) => r.resource.Type === 'AWS::KMS::Key');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const k of keys) expect(k.resource.Properties?.EnableKeyRotation, k.logicalId).toBe(true);
  });

  it('encrypts every log group (functions, API access logs, VPC flow logs) with the logs key', () => {
    const logsKey = logicalIdOf(s, 'AWS::KMS::Key', 'CoreLogsKey');
    const groups = allResources(s).filter((r) => r.resource.Type === 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThan(60);
    for (const g of groups) expect(refersTo(g.resource.Properties?.KmsKeyId, logsKey), `${g.stack.name}/${g.logicalId}`).toBe(true);
  });
});

describe('keys and buckets, staging', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthSuite();
  });

  it('lets CloudWatch Logs use the logs key only for the suite log groups (encryption-context condition)', () => {
    const key = parentOf(s).json.Resources[logicalIdOf(s, 'AWS::KMS::Key', 'CoreLogsKey')]!;
    const statements = (key.Properties!.KeyPolicy as { Statement: Array<Record<string, unknown>> }).Statement;
    const forLogs = statements.filter((st) => JSON.stringify(st.Principal).includes('logs.'));
    expect(forLogs).toHaveLength(1);
    const condition = JSON.stringify(forLogs[0]!.Condition);
    expect(condition).toContain('kms:EncryptionContext:aws:logs:arn');
    expect(condition).toContain('log-group:/aws/lambda/p100-staging-*');
    expect(condition).toContain('log-group:/p100-staging/*');
    expect(JSON.stringify(forLogs[0]!.Principal)).toMatch(/logs\.",\{"Ref":"AWS::Region"\},"\.amazonaws\.com/);
  });

  it('names every suite log group so the logs key condition covers it', () => {
    for (const { stack, logicalId, resource } of allResources(s).filter((r) => r.resource.Type === 'AWS::Logs::LogGroup')) {
      expect(String(resource.Properties?.LogGroupName), `${stack.name}/${logicalId}`).toMatch(/^(\/aws\/lambda\/p100-staging-|\/p100-staging\/)/);
    }
  });

  it('encrypts the upload bucket with its own key (SSE-KMS, bucket key on), not the logs key', () => {
    const uploadKey = logicalIdOf(s, 'AWS::KMS::Key', 'CoreUploadKey');
    const bucket = parentOf(s).json.Resources[logicalIdOf(s, 'AWS::S3::Bucket', 'CoreUploadBucket')]!;
    const rule = (bucket.Properties!.BucketEncryption as { ServerSideEncryptionConfiguration: Array<Record<string, unknown>> })
      .ServerSideEncryptionConfiguration[0]!;
    expect(rule.BucketKeyEnabled).toBe(true);
    expect(rule.ServerSideEncryptionByDefault).toMatchObject({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [uploadKey, 'Arn'] } });
  });

  it('lets only the upload functions use the upload key: put may generate a data key, get may decrypt, both via S3 only', () => {
    const uploadKey = logicalIdOf(s, 'AWS::KMS::Key', 'CoreUploadKey');
    const kmsUsers = allResources(s)
      .filter((r) => r.resource.Type === 'AWS::Lambda::Function')
      .map((r) => String(r.resource.Properties?.FunctionName).replace('p100-staging-', ''))
      .filter((name) => functionNamed(s, name)!.statements.some((st) => [st.Action].flat().some((a) => a.startsWith('kms:'))));
    expect(kmsUsers.sort()).toEqual(['addKycFile', 'addPoaFile', 'createUploadUrl']);
    const expected: Record<string, string> = { createUploadUrl: 'kms:GenerateDataKey', addKycFile: 'kms:Decrypt', addPoaFile: 'kms:Decrypt' };
    for (const [name, action] of Object.entries(expected)) {
      const st = functionNamed(s, name)!.statements.filter((x) => [x.Action].flat().some((a) => a.startsWith('kms:')));
      expect(st, name).toHaveLength(1);
      expect(st[0]!.Action, name).toBe(action);
      expect(refersTo(st[0]!.Resource, uploadKey), name).toBe(true);
      expect(JSON.stringify(st[0]!.Condition), name).toMatch(/kms:ViaService.*s3\./);
    }
  });

  it('delivers server access logs by bucket policy: no AccessControl anywhere, ACLs disabled on the log bucket', () => {
    const buckets = allResources(s).filter((r) => r.resource.Type === 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(2);
    for (const b of buckets) expect(b.resource.Properties?.AccessControl, b.logicalId).toBeUndefined();
    const logBucketId = logicalIdOf(s, 'AWS::S3::Bucket', 'CoreAccessLogsBucket');
    expect(parentOf(s).json.Resources[logBucketId]!.Properties?.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    const policy = Object.values(parentOf(s).template.findResources('AWS::S3::BucketPolicy')).find((p) => refersTo(p.Properties.Bucket, logBucketId)) as
      | CfnResource
      | undefined;
    const delivery = JSON.stringify(policy?.Properties?.PolicyDocument);
    expect(delivery).toContain('logging.s3.amazonaws.com');
    expect(delivery).toContain('s3:PutObject');
  });

  it('sets the bucket-policy flag where the CLI reads it (cdk.json) as well as in code', () => {
    const cdkJson = JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
    expect(cdkJson.context['@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy']).toBe(true);
    expect(s.app.node.tryGetContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy')).toBe(true);
  });
});
