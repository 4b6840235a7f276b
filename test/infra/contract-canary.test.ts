/**
 * Issue 16: the contract canary in the stack: an hourly schedule (configurable, off by context), the
 * ContractDrift alarm, least-privilege grants, the report route; cdk-nag clean (synth throws otherwise).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { contractCanarySettings } from '../../infra/lib/contract-canary.js';
import { InvalidContextError } from '../../infra/lib/config.js';
import { functionNamed, synthSuite, type StackTemplate, type Synthesized } from './synth.js';

const jobs = (s: Synthesized): StackTemplate => s.stacks.find((x) => x.name === 'Jobs')!;
const driftAlarms = (t: StackTemplate) =>
  Object.values(t.json.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.MetricName === 'ContractDrift');
const canarySchedules = (t: StackTemplate) =>
  Object.values(t.json.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule' && String(r.Properties?.Description).startsWith('P100 contract check'));

describe('the contract canary (default settings)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthSuite({ stage: 'production' });
  });

  it('runs hourly through EventBridge Scheduler, without retries', () => {
    jobs(s).template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      Description: Match.stringLikeRegexp('^P100 contract check every 60 minutes'),
      Target: Match.objectLike({ RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }) }),
    });
  });

  it('alarms when one drift is seen, with a description for the runbook, on the alarm topic', () => {
    const [alarm] = driftAlarms(jobs(s));
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'P100Suite',
      MetricName: 'ContractDrift',
      Dimensions: [{ Name: 'service', Value: 'contract' }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      Period: 3600,
    });
    expect(String(alarm?.Properties?.AlarmDescription)).toContain('/operations/contract/reports/latest');
    expect(alarm?.Properties?.AlarmActions).toHaveLength(1);
  });

  it('holds only what it needs: the API key, inbox Query and ledger PutItem; never the webhook token or the data key', () => {
    const fn = functionNamed(s, 'contractCanary')!;
    expect(fn).toBeDefined();
    const actions = fn.statements.flatMap((st) => [st.Action].flat()).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'));
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
    expect(actions).toContain('secretsmanager:GetSecretValue');
    expect(Object.keys(fn.env)).toEqual(expect.arrayContaining(['P100_API_KEY_SECRET_ID', 'LEDGER_TABLE', 'INBOX_TABLE']));
    expect(Object.keys(fn.env)).not.toContain('WEBHOOK_TOKEN_SECRET_ID');
    expect(Object.keys(fn.env)).not.toContain('DATA_KEY_SECRET_ID');
    expect(fn.props.DeadLetterConfig).toBeDefined();
  });

  it('serves GET /operations/contract/reports/latest from a function that may only read the ledger', () => {
    const fn = functionNamed(s, 'getContractReport')!;
    const dynamo = fn.statements.flatMap((st) => [st.Action].flat()).filter((a) => a.startsWith('dynamodb:'));
    expect(dynamo).toEqual(['dynamodb:GetItem']);
    expect(Object.keys(fn.env)).not.toContain('P100_API_KEY_SECRET_ID');
    const routes = s.stacks.flatMap((t) => Object.values(t.json.Resources)).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');
    expect(routes.map((r) => r.Properties?.RouteKey)).toContain('GET /operations/contract/reports/latest');
  });
});

describe('context', () => {
  it('contractCanaryIntervalMinutes sets the rate and the alarm period; contractCanary=false removes schedule and alarm', () => {
    const every15 = synthSuite({ contractCanaryIntervalMinutes: 15 });
    jobs(every15).template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(15 minutes)' });
    expect(driftAlarms(jobs(every15))[0]?.Properties?.Period).toBe(900);
    const off = synthSuite({ contractCanary: false });
    expect(canarySchedules(jobs(off))).toHaveLength(0);
    expect(driftAlarms(jobs(off))).toHaveLength(0);
    expect(functionNamed(off, 'contractCanary')).toBeDefined();
  });

  it('refuses values it cannot read', () => {
    const ctx = (v: Record<string, unknown>) => ({ tryGetContext: (k: string) => v[k] });
    expect(contractCanarySettings(ctx({}))).toEqual({ enabled: true, intervalMinutes: 60 });
    expect(contractCanarySettings(ctx({ contractCanary: 'false' }))).toEqual({ enabled: false, intervalMinutes: 60 });
    expect(() => contractCanarySettings(ctx({ contractCanary: 'no' }))).toThrow(InvalidContextError);
    expect(() => contractCanarySettings(ctx({ contractCanaryIntervalMinutes: 2 }))).toThrow(/5 to 1440/);
  });
});
