/**
 * Records every AWS call a function makes in the local runtime, as the call it will be in AWS: the IAM action,
 * the resource ARN (a template over the function's environment: `${env:LEDGER_TABLE}`, `${AWS::Region}`...)
 * and the context keys policies test (KMS encryption context and `kms:ViaService`, S3 key prefix).
 *
 * Two sources: every AWS SDK command (a hook on Smithy's `Command`, which both `client.send` and the S3
 * presigner go through), and the in-process stand-ins that replace an SDK call locally (EventBridge PutEvents,
 * SQS SendMessageBatch, Lambda Invoke: local/suite.ts wraps them with {@link recordingAdapters}).
 * The local runtime runs each handler inside {@link runAsFunction}, so a call knows its function even when
 * several functions share this process.
 *
 * `P100_RECORD_AWS_CALLS=<file>` appends each distinct call as one JSON line (test/infra/record-calls.ts merges
 * the lines into test/infra/recorded-calls.json). A call guard ({@link setCallGuard}, strict mode) may refuse a
 * call before it is sent, as AWS would.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';
import { Command } from '@smithy/core/client';
import { ENV } from '../../shared/config/env.js';
import type { EventPublisher, MessageQueue, QueueName } from '../../shared/events/index.js';
import type { ReconcileInvoker } from '../../shared/reconcile/invoker.js';

export interface AwsCall {
  action: string;
  /** ARN template: `${AWS::Partition}`, `${AWS::Region}`, `${AWS::AccountId}`, `${env:NAME}` (the function's variable), `${queueArn:NAME}`, `${bucketKey:NAME}`. */
  resource: string;
  /** Request context keys AWS evaluates (values may hold the same placeholders). */
  context?: Record<string, string>;
}

export interface RecordedCall extends AwsCall {
  function: string;
}

export const RECORD_ENV = 'P100_RECORD_AWS_CALLS';

const current = new AsyncLocalStorage<string>();

/** Runs `fn` as the function `name`: every AWS call made inside it (and in what it starts) is that function's. */
export function runAsFunction<T>(name: string, fn: () => T): T {
  return current.run(name, fn);
}

export function currentFunction(): string | undefined {
  return current.getStore();
}

/**
 * Strict mode: decides each call of a function before it is sent, as AWS would (test/support/strict-iam.ts
 * evaluates it against the synthesized policies); rejects with an AccessDenied-like error to refuse it.
 */
export type CallGuard = (fn: string, call: AwsCall) => Promise<void>;
let guard: CallGuard | undefined;

export function setCallGuard(g: CallGuard | undefined): void {
  guard = g;
}

/** Refuses the call (rejects) when a strict-mode guard is installed and says no; calls outside any function pass. */
export async function authorize(call: AwsCall): Promise<void> {
  const fn = currentFunction();
  if (fn && guard) await guard(fn, call);
}

/** The error AWS answers a refused call with (403, `AccessDenied` for S3, `AccessDeniedException` elsewhere). */
export class AccessDeniedError extends Error {
  readonly $fault = 'client';
  readonly $metadata = { httpStatusCode: 403 };
  constructor(
    readonly principal: string,
    readonly call: AwsCall,
    readonly resolvedResource: string,
  ) {
    super(`User: ${principal} is not authorized to perform: ${call.action} on resource: ${resolvedResource}`);
    this.name = call.action.startsWith('s3:') ? 'AccessDenied' : 'AccessDeniedException';
  }
}

const seen = new Set<string>();

/** Records one call of the current function. Calls outside any function (test set-up) are ignored. */
export function recordCall(call: AwsCall): void {
  const fn = currentFunction();
  if (!fn) return;
  const file = process.env[RECORD_ENV];
  if (!file) return;
  const line = JSON.stringify({ function: fn, ...call } satisfies RecordedCall);
  if (seen.has(line)) return;
  seen.add(line);
  appendFileSync(file, `${line}\n`);
}

/** The pseudo parameters of a recorded ARN, spelled as in CloudFormation's Fn::Sub (test/infra/aws-calls.test.ts fills them). */
export const AWS_PARTITION = '$' + '{AWS::Partition}';
export const AWS_REGION = '$' + '{AWS::Region}';
export const AWS_ACCOUNT = '$' + '{AWS::AccountId}';

/** The placeholder of one of the function's environment variables, `${env:NAME}`. */
const envPlaceholder = (name: string): string => `$\{env:${name}}`;

/** `${env:NAME}` for a value that one of the suite's variables holds (a table name, a secret id, a bucket). */
function envRef(value: string): string {
  for (const name of Object.values(ENV)) {
    if (process.env[name] === value) return envPlaceholder(name);
  }
  return value;
}

/** Object keys hold ids that change per run: `uploads/<user>/<upload>` becomes a stable template. */
function keyTemplate(key: string): string {
  return /^uploads\/[^/]+\/[^/]+$/.test(key) ? 'uploads/{externalUserId}/{uploadId}' : key;
}

const dynamoAction: Record<string, string> = {
  GetItemCommand: 'dynamodb:GetItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
  BatchGetItemCommand: 'dynamodb:BatchGetItem',
  BatchWriteItemCommand: 'dynamodb:BatchWriteItem',
};

function tableArn(table: string, index?: string): string {
  return `arn:${AWS_PARTITION}:dynamodb:${AWS_REGION}:${AWS_ACCOUNT}:table/${envRef(table)}${index ? `/index/${index}` : ''}`;
}

/** The S3 calls a command is in AWS, with the KMS call S3 makes for the caller (SSE-KMS, bucket key: the context names the bucket). */
function s3Calls(command: string, input: { Bucket?: string; Key?: string }): AwsCall[] {
  const bucket = envRef(input.Bucket ?? '');
  const object = `arn:${AWS_PARTITION}:s3:::${bucket}/${keyTemplate(input.Key ?? '')}`;
  const kmsContext = { 'kms:ViaService': `s3.${AWS_REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': `arn:${AWS_PARTITION}:s3:::${bucket}` };
  const key = `\${bucketKey:${bucket.replace(/^\$\{env:(.*)\}$/, '$1')}}`;
  switch (command) {
    case 'PutObjectCommand':
      return [
        { action: 's3:PutObject', resource: object },
        { action: 'kms:GenerateDataKey', resource: key, context: kmsContext },
      ];
    case 'GetObjectCommand':
      return [
        { action: 's3:GetObject', resource: object },
        { action: 'kms:Decrypt', resource: key, context: kmsContext },
      ];
    default:
      return [{ action: `s3:${command.replace(/Command$/, '')}`, resource: object }];
  }
}

/** What AWS authorizes for one SDK command (client and command names as Smithy gives them). */
export function callsOf(client: string, command: string, input: Record<string, unknown>): AwsCall[] {
  switch (client) {
    case 'DynamoDBClient': {
      const action = dynamoAction[command] ?? `dynamodb:${command.replace(/Command$/, '')}`;
      if (command === 'BatchGetItemCommand' || command === 'BatchWriteItemCommand') {
        return Object.keys((input.RequestItems as Record<string, unknown>) ?? {}).map((t) => ({ action, resource: tableArn(t) }));
      }
      return [{ action, resource: tableArn(String(input.TableName), input.IndexName as string | undefined) }];
    }
    case 'SecretsManagerClient':
      return [{ action: `secretsmanager:${command.replace(/Command$/, '')}`, resource: envRef(String(input.SecretId)) }];
    case 'S3Client':
      return s3Calls(command, input as { Bucket?: string; Key?: string });
    default:
      return [{ action: `${client.replace(/Client$/, '').toLowerCase()}:${command.replace(/Command$/, '')}`, resource: '*' }];
  }
}

/** The S3 permission AWS checks after a missing key: with s3:ListBucket the answer is 404 NoSuchKey, without it 403. */
export function missingKeyCall(input: { Bucket?: string; Key?: string }): AwsCall {
  return {
    action: 's3:ListBucket',
    resource: `arn:${AWS_PARTITION}:s3:::${envRef(input.Bucket ?? '')}`,
    context: { 's3:prefix': keyTemplate(input.Key ?? '') },
  };
}

type ResolveWithContext = (this: Command<object, object, object>, ...args: unknown[]) => (args: unknown) => Promise<unknown>;
interface HandlerContext {
  clientName?: string;
  commandName?: string;
}

let installed = false;

/**
 * Hooks every SDK command of this process (one patch of Smithy's Command base class, which `client.send` and
 * the S3 presigner both resolve through). Hand-written because the SDK has no process-wide middleware hook.
 */
export function installSdkRecorder(): void {
  if (installed) return;
  installed = true;
  const proto = Command.prototype as unknown as { resolveMiddlewareWithContext: ResolveWithContext };
  const original = proto.resolveMiddlewareWithContext;
  proto.resolveMiddlewareWithContext = function (this: Command<object, object, object>, ...args: unknown[]) {
    const handler = original.apply(this, args);
    const ctx = args[3] as HandlerContext;
    const input = (this as unknown as { input: Record<string, unknown> }).input ?? {};
    // lib-dynamodb's document commands resolve through an inner DynamoDB command: record that one only.
    if (!ctx.clientName || !ctx.commandName || ctx.clientName.startsWith('DynamoDBDocument')) return handler;
    const calls = callsOf(ctx.clientName, ctx.commandName, input);
    for (const call of calls) recordCall(call);
    const missingKey = ctx.clientName === 'S3Client' && ctx.commandName === 'GetObjectCommand';
    return async (a: unknown) => {
      for (const call of calls) await authorize(call);
      try {
        return await handler(a);
      } catch (e) {
        if (missingKey && e instanceof Error && (e.name === 'NoSuchKey' || e.name === 'NotFound')) {
          // S3 answers 404 for a missing key only to a caller that may list the bucket; otherwise 403.
          const list = missingKeyCall(input as { Bucket?: string; Key?: string });
          recordCall(list);
          await authorize(list);
        }
        throw e;
      }
    };
  };
}

async function recordAndAuthorize(call: AwsCall): Promise<void> {
  recordCall(call);
  await authorize(call);
}

const queueEnv: Record<QueueName, string> = { webhook: ENV.webhookQueueUrl, reconcile: ENV.reconcileQueueUrl };

/** The stand-ins that replace an SDK call locally, wrapped so their calls are recorded as the SDK call they replace. */
export function recordingAdapters(a: { publisher: EventPublisher; queue: MessageQueue; invoker: ReconcileInvoker }): {
  publisher: EventPublisher;
  queue: MessageQueue;
  invoker: ReconcileInvoker;
} {
  return {
    publisher: {
      publish: async (events) => {
        await recordAndAuthorize({
          action: 'events:PutEvents',
          resource: `arn:${AWS_PARTITION}:events:${AWS_REGION}:${AWS_ACCOUNT}:event-bus/${envPlaceholder(ENV.eventBusName)}`,
        });
        return a.publisher.publish(events);
      },
    },
    queue: {
      send: async (queue, messages) => {
        await recordAndAuthorize({ action: 'sqs:SendMessage', resource: `$\{queueArn:${queueEnv[queue]}}` });
        return a.queue.send(queue, messages);
      },
    },
    invoker: {
      invoke: async (payload) => {
        await recordAndAuthorize({
          action: 'lambda:InvokeFunction',
          resource: `arn:${AWS_PARTITION}:lambda:${AWS_REGION}:${AWS_ACCOUNT}:function:${envPlaceholder(ENV.reconcileFunctionName)}`,
        });
        return a.invoker.invoke(payload);
      },
    },
  };
}
