import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthSuite, type Synthesized } from './synth.js';

/** CloudFormation's hard limit per template (a nested stack counts as one resource of its parent). */
const resourceLimit = 500;

interface ValidationReport {
  pluginReports: Array<{
    pluginName: string;
    conclusion: string;
    violations: Array<{ ruleName: string; severity?: string; violatingConstructs: Array<{ constructPath: string }> }>;
  }>;
}

/** Unacknowledged cdk-nag findings: those the packs report directly, and any the synth report recorded. */
function nagFindings(s: Synthesized): string[] {
  const direct = s.nagPacks.flatMap((pack) =>
    pack.validateScope(s.app).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`)),
  );
  const reportFile = path.join(s.outdir, 'validation-report.json');
  const reported = existsSync(reportFile)
    ? (JSON.parse(readFileSync(reportFile, 'utf8')) as ValidationReport).pluginReports
        .filter((p) => p.pluginName === 'AwsSolutions' || p.pluginName === 'Serverless')
        .flatMap((p) => p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`)))
    : [];
  return [...direct, ...reported];
}

// CDK's CloudFormation validation (slow) runs on the richest variant here and on the real synth
// (build-and-synth.test.ts); cdk-nag runs on both variants.
describe.each([
  ['staging', {}, false],
  [
    'production with static egress and JWT',
    { stage: 'production', staticEgress: 'true', jwtIssuer: 'https://id.example.com/', jwtAudience: 'suite', alarmEmail: 'ops@example.com' },
    true,
  ],
])('%s', (_label, context, cfnValidation) => {
  let s: Synthesized;
  beforeAll(() => {
    // synth() itself throws when a cdk-nag pack reports an unacknowledged finding.
    s = synthSuite(context, { cfnValidation });
  });

  it('runs both cdk-nag packs and leaves no finding unacknowledged', () => {
    expect(s.nagPacks.map((p) => p.readPackName).sort()).toEqual(['AwsSolutions', 'Serverless']);
    expect(nagFindings(s)).toEqual([]);
  });

  it(`keeps every stack under ${resourceLimit} resources`, () => {
    const counts = Object.fromEntries(s.stacks.map((t) => [t.name, Object.keys(t.json.Resources).length]));
    for (const [name, count] of Object.entries(counts)) expect(count, name).toBeLessThan(resourceLimit);
  });

  it('keeps every stack under the 200 parameters and outputs CloudFormation allows', () => {
    for (const t of s.stacks) {
      expect(Object.keys(t.json.Parameters ?? {}).length, t.name).toBeLessThan(200);
      expect(Object.keys(t.json.Outputs ?? {}).length, t.name).toBeLessThan(200);
    }
  });
});

describe('cdk-nag is a gate, not a report', () => {
  it('fails the synth when a finding is not acknowledged', async () => {
    const { Stack } = await import('aws-cdk-lib');
    const sqs = await import('aws-cdk-lib/aws-sqs');
    const { createApp } = await import('../../infra/lib/app.js');
    const { placeholderCode } = await import('../../infra/lib/code.js');
    const { placeholderDir } = await import('./synth.js');
    const { app } = createApp({
      code: placeholderCode(placeholderDir),
      cfnValidation: false,
      outdir: (await import('node:fs')).mkdtempSync(path.join((await import('node:os')).tmpdir(), 'p100-nag-')),
    });
    // A queue without DLQ, encryption or TLS policy: several AwsSolutions and Serverless errors.
    new sqs.CfnQueue(new Stack(app, 'Unsafe'), 'Queue', {});
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3[\s\S]*Serverless-SQSRedrivePolicy/);
  });
});
