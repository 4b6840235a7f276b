/**
 * The opt-in developer feed (infra/lib/developer-feed.ts) that `p100 listen --stage` reads: every published
 * event copied to an encrypted SQS queue with a dead-letter queue, a reader policy scoped to it, both named
 * by outputs; absent unless `-c developerFeed=true`; clean under cdk-nag.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { developerFeedEnabled } from '../../infra/lib/developer-feed.js';
import { EVENT_SOURCE } from '../../shared/events/published.js';
import { synthSuite, type Synthesized } from './synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synthSuite({ developerFeed: 'true' });
}, 180_000);

const ctx = (v: unknown) => ({ tryGetContext: () => v });

describe('developer feed', () => {
  it('is off unless the context says true, and refuses anything but true or false', () => {
    expect(developerFeedEnabled(ctx(undefined))).toBe(false);
    expect(developerFeedEnabled(ctx('false'))).toBe(false);
    expect(developerFeedEnabled(ctx('true'))).toBe(true);
    expect(developerFeedEnabled(ctx(true))).toBe(true);
    expect(() => developerFeedEnabled(ctx('yes'))).toThrow(/developerFeed/);
  });

  it('copies every event of the suite to an encrypted queue with a dead-letter queue', () => {
    const parent = s.stacks.find((x) => x.name === 'parent')!;
    parent.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: [EVENT_SOURCE] },
      Targets: Match.arrayWith([Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 10 }) })]),
    });
    parent.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, RedrivePolicy: Match.objectLike({ maxReceiveCount: 20 }) });
    expect(
      Object.keys(parent.json.Outputs ?? {})
        .filter((k) => k.startsWith('DeveloperFeed'))
        .sort(),
    ).toEqual(['DeveloperFeedQueueUrl', 'DeveloperFeedReaderPolicyArn']);
  });

  it('lets its readers receive and delete on that queue only, and read the stack outputs', () => {
    const parent = s.stacks.find((x) => x.name === 'parent')!;
    const policies = Object.values(parent.json.Resources).filter(
      (r) =>
        r.Type === 'AWS::IAM::ManagedPolicy' && String((r.Properties as { ManagedPolicyName?: string }).ManagedPolicyName).includes('developer-feed-reader'),
    );
    expect(policies).toHaveLength(1);
    const statements = (policies[0]!.Properties as { PolicyDocument: { Statement: { Action: string[] | string; Resource: unknown }[] } }).PolicyDocument
      .Statement;
    const actions = statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action])).sort();
    expect(actions).toEqual([
      'cloudformation:DescribeStacks',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ]);
    expect(JSON.stringify(statements)).not.toContain('"*"');
  });

  it('passes cdk-nag (AwsSolutions, Serverless)', () => {
    const findings = s.nagPacks.flatMap((pack) =>
      pack.validateScope(s.app).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`)),
    );
    expect(findings).toEqual([]);
  });
});
