// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the recorder writes CloudFormation-style ${...} placeholders on purpose
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AccessDeniedError, authorize, callsOf, missingKeyCall, RECORD_ENV, recordCall, runAsFunction, setCallGuard } from '../../local/aws/recorder.js';

/** local/aws/recorder.ts: an SDK command becomes the IAM request AWS evaluates, with the function's variables as placeholders. */
describe('the AWS call recorder', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    setCallGuard(undefined);
  });

  it('names tables, indexes, secrets and the bucket by the variable that holds them, and ids in keys by template', () => {
    Object.assign(process.env, {
      LEDGER_TABLE: 'local-ledger',
      INBOX_TABLE: 'local-inbox',
      DATA_KEY_SECRET_ID: 'local/data-key',
      UPLOAD_BUCKET: 'local-uploads',
    });
    expect(callsOf('DynamoDBClient', 'QueryCommand', { TableName: 'local-inbox', IndexName: 'gsi1' })).toEqual([
      { action: 'dynamodb:Query', resource: 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${env:INBOX_TABLE}/index/gsi1' },
    ]);
    expect(callsOf('DynamoDBClient', 'BatchGetItemCommand', { RequestItems: { 'local-ledger': {}, 'local-inbox': {} } }).map((c) => c.resource)).toEqual([
      'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${env:LEDGER_TABLE}',
      'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${env:INBOX_TABLE}',
    ]);
    expect(callsOf('SecretsManagerClient', 'GetSecretValueCommand', { SecretId: 'local/data-key' })).toEqual([
      { action: 'secretsmanager:GetSecretValue', resource: '${env:DATA_KEY_SECRET_ID}' },
    ]);
    expect(callsOf('S3Client', 'GetObjectCommand', { Bucket: 'local-uploads', Key: 'uploads/user-7/0b1c' })).toEqual([
      { action: 's3:GetObject', resource: 'arn:${AWS::Partition}:s3:::${env:UPLOAD_BUCKET}/uploads/{externalUserId}/{uploadId}' },
      {
        action: 'kms:Decrypt',
        resource: '${bucketKey:UPLOAD_BUCKET}',
        context: { 'kms:ViaService': 's3.${AWS::Region}.amazonaws.com', 'kms:EncryptionContext:aws:s3:arn': 'arn:${AWS::Partition}:s3:::${env:UPLOAD_BUCKET}' },
      },
    ]);
    expect(missingKeyCall({ Bucket: 'local-uploads', Key: 'uploads/user-7/0b1c' })).toEqual({
      action: 's3:ListBucket',
      resource: 'arn:${AWS::Partition}:s3:::${env:UPLOAD_BUCKET}',
      context: { 's3:prefix': 'uploads/{externalUserId}/{uploadId}' },
    });
  });

  it('records a call once per function, only inside a function, and lets a strict guard refuse it', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'rec-')), 'calls.jsonl');
    process.env[RECORD_ENV] = file;
    const call = { action: 'events:PutEvents', resource: 'bus' };
    recordCall(call);
    runAsFunction('a', () => {
      recordCall(call);
      recordCall(call);
    });
    runAsFunction('b', () => recordCall(call));
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { function: string });
    expect(lines.map((l) => l.function)).toEqual(['a', 'b']);

    setCallGuard(async (fn, c) => {
      if (fn === 'b') throw new AccessDeniedError('role/b', c, c.resource);
    });
    await expect(runAsFunction('a', () => authorize(call))).resolves.toBeUndefined();
    await expect(runAsFunction('b', () => authorize(call))).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    await expect(authorize(call)).resolves.toBeUndefined();
  });
});
