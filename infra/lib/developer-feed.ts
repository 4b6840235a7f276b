import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type Node } from 'constructs';
import { EVENT_SOURCE } from '../../shared/events/published.js';
import { InvalidContextError } from './config.js';

/**
 * The feed `p100 listen --stage <name>` reads (cli/src/cli.ts): an EventBridge rule copying every event the
 * suite publishes into an SQS queue. Opt-in (`-c developerFeed=true`): it is a developer's and operator's tool,
 * and a production bus needs no extra copy of the card-code events (EVENTS.md "Why the card codes travel in
 * clear"). Messages stay until the listener deletes them after showing (and forwarding) them, so a listener
 * that stops resumes where it left off, for up to 4 days; one listener per stage (SQS hands each message to one
 * reader). Readers need the managed policy of the `DeveloperFeedReaderPolicyArn` output.
 */

/** `developerFeed` context: true or false (default false). */
export function developerFeedEnabled(node: Pick<Node, 'tryGetContext'>): boolean {
  const v: unknown = node.tryGetContext('developerFeed');
  if (v === undefined || v === null || v === '' || v === false || v === 'false') return false;
  if (v === true || v === 'true') return true;
  throw new InvalidContextError('developerFeed', `must be true or false, not "${String(v)}"`);
}

export class DeveloperFeed extends Construct {
  readonly queue: sqs.Queue;
  readonly readerPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: { bus: events.IEventBus; prefix: string }) {
    super(scope, id);
    const dlq = new sqs.Queue(this, 'Dlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(dlq).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue of the developer feed.' },
      { id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is itself the dead-letter queue of the developer feed.' },
    );
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // The listener deletes a message after it forwarded it; a forward may retry for a while.
      visibilityTimeout: Duration.minutes(2),
      deadLetterQueue: { queue: dlq, maxReceiveCount: 20 },
      // A copy of events delivered elsewhere: nothing to keep when the stack goes.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new events.Rule(this, 'Rule', {
      eventBus: props.bus,
      description: 'Every event the suite publishes, copied to the developer feed (p100 listen --stage)',
      eventPattern: { source: [EVENT_SOURCE] },
      targets: [new targets.SqsQueue(this.queue, { deadLetterQueue: dlq, retryAttempts: 10, maxEventAge: Duration.hours(24) })],
    });
    this.readerPolicy = new iam.ManagedPolicy(this, 'ReaderPolicy', {
      managedPolicyName: `${props.prefix}-developer-feed-reader`,
      description: 'Read and delete the developer feed (p100 listen --stage)',
      statements: [
        new iam.PolicyStatement({
          actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
          resources: [this.queue.queueArn],
        }),
        // Its outputs name the queue: the reader may look them up, nothing else of the stack.
        new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [Stack.of(this).stackId] }),
      ],
    });
    new CfnOutput(scope, 'DeveloperFeedQueueUrl', { value: this.queue.queueUrl, description: 'The developer feed p100 listen --stage reads' });
    new CfnOutput(scope, 'DeveloperFeedReaderPolicyArn', {
      value: this.readerPolicy.managedPolicyArn,
      description: 'Attach to whoever runs p100 listen --stage',
    });
  }
}
