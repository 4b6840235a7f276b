/**
 * One request to an IAM evaluation engine nobody here wrote (@cloud-copilot/iam-simulate, AGPL-3.0, test-only):
 * the requests of a function (its recorded calls, resolved against its environment in a synthesized template, and
 * what Lambda does with its role), as AWS evaluates them. Shared by test/infra/aws-calls.test.ts and the strict
 * mode of the local stand-ins (test/support/strict-iam.ts).
 */
import { runSimulation, type SimulationRequestPrincipal } from '@cloud-copilot/iam-simulate';
import { AWS_ACCOUNT, AWS_PARTITION, AWS_REGION, type AwsCall } from '../../local/aws/recorder.js';
import { ACCOUNT, PARTITION, REGION, resourcePolicyFor, type FunctionModel, type IamModel, type PolicyDocument } from './iam-model.js';
import type { CallMap } from './record-calls.js';

export const SAMPLE = { externalUserId: 'user-1', uploadId: '6d7f3c9e-0000-4000-8000-000000000001' };

export type Verdict = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied' | `error: ${string}`;

export interface Request {
  principal: SimulationRequestPrincipal;
  action: string;
  resource: string;
  identityPolicies?: Array<{ name: string; policy: PolicyDocument }>;
  resourcePolicy?: PolicyDocument | undefined;
  context?: Record<string, string>;
}

let simulatedCount = 0;

/** How many requests this process has simulated. */
export function simulated(): number {
  return simulatedCount;
}

/**
 * The engine drops context keys with a variable part unless it follows a `/` (`aws:ResourceTag/x`), so it never
 * sees `kms:EncryptionContext:aws:logs:arn` and every condition on one fails. We rename each such key, in the
 * request and in every policy alike, to a tag-style key the engine keeps for KMS; operator and values are
 * unchanged, so the condition is evaluated as AWS would (a missing key still fails it).
 */
const ENCRYPTION_CONTEXT = 'kms:EncryptionContext:';
const aliasKey = (k: string): string =>
  k.startsWith(ENCRYPTION_CONTEXT) ? `aws:ResourceTag/kmsctx-${k.slice(ENCRYPTION_CONTEXT.length).replaceAll(':', '-')}` : k;
function aliasPolicy(p: PolicyDocument): PolicyDocument {
  return {
    ...p,
    Statement: p.Statement.map((st) =>
      st.Condition
        ? {
            ...st,
            Condition: Object.fromEntries(
              Object.entries(st.Condition).map(([op, block]) => [op, Object.fromEntries(Object.entries(block).map(([k, v]) => [aliasKey(k), v]))]),
            ),
          }
        : st,
    ),
  };
}

export async function simulate(r: Request): Promise<Verdict> {
  simulatedCount++;
  const context = Object.fromEntries(Object.entries(r.context ?? {}).map(([k, v]) => [aliasKey(k), v]));
  const out = await runSimulation(
    {
      request: {
        principal: r.principal,
        action: r.action,
        resource: { resource: r.resource, accountId: ACCOUNT },
        contextVariables: { 'aws:SecureTransport': 'true', ...context },
      },
      identityPolicies: (r.identityPolicies ?? []).map((p) => ({ name: p.name, policy: aliasPolicy(p.policy) })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(r.resourcePolicy ? { resourcePolicy: aliasPolicy(r.resourcePolicy) } : {}),
    },
    {},
  );
  if (out.resultType === 'error') return `error: ${out.errors.message} ${JSON.stringify(out.errors).slice(0, 300)}`;
  return out.overallResult;
}

/** A recorded call's template with this function's values: `${env:X}` its variable, pseudo parameters, sample ids. */
export function resolveTemplate(m: IamModel, fn: FunctionModel, s: string): string {
  return s
    .replaceAll(AWS_PARTITION, PARTITION)
    .replaceAll(AWS_REGION, REGION)
    .replaceAll(AWS_ACCOUNT, ACCOUNT)
    .replace(/\$\{env:([A-Z0-9_]+)\}/g, (_m, name: string) => fn.env[name] ?? `<no ${name} in ${fn.name}'s environment>`)
    .replace(/\$\{queueArn:([A-Z0-9_]+)\}/g, (_m, name: string) => {
      const url = fn.env[name];
      return url ? `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT}:${url.split('/').pop()}` : `<no ${name} in ${fn.name}'s environment>`;
    })
    .replace(/\$\{bucketKey:([A-Z0-9_]+)\}/g, (_m, name: string) => m.bucketKeys.get(fn.env[name] ?? '') ?? `<no key for bucket ${name}>`)
    .replaceAll('{externalUserId}', SAMPLE.externalUserId)
    .replaceAll('{uploadId}', SAMPLE.uploadId);
}

/**
 * What Lambda itself does with a function's role (not recorded: no code of ours makes these calls): logs to its
 * group, trace segments, the network interfaces of a function in a VPC, polling its event-source queue, sending a
 * failed asynchronous event to its dead-letter queue.
 */
export function platformCalls(m: IamModel, fn: FunctionModel): Array<AwsCall & { why: string }> {
  const logGroup = `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${fn.physicalName}:log-stream:2026/01/01/[$LATEST]abc`;
  const calls: Array<AwsCall & { why: string }> = [
    { action: 'logs:CreateLogStream', resource: logGroup, why: 'Lambda writes its logs' },
    { action: 'logs:PutLogEvents', resource: logGroup, why: 'Lambda writes its logs' },
    { action: 'xray:PutTraceSegments', resource: '*', why: 'active tracing' },
    { action: 'xray:PutTelemetryRecords', resource: '*', why: 'active tracing' },
  ];
  if (fn.inVpc) {
    for (const action of [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ]) {
      calls.push({ action, resource: '*', why: 'function in a VPC: Lambda refuses CreateFunction without ENI permissions on its role' });
    }
  }
  const fnResource = m.resolved.find((x) => x.type === 'AWS::Lambda::Function' && x.props.FunctionName === fn.physicalName);
  for (const x of m.resolved) {
    if (x.type !== 'AWS::Lambda::EventSourceMapping' || x.props.FunctionName !== fn.physicalName) continue;
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility']) {
      calls.push({ action, resource: String(x.props.EventSourceArn), why: 'the event source mapping polls with the function role' });
    }
  }
  const dlq = (fnResource?.props.DeadLetterConfig as { TargetArn?: string } | undefined)?.TargetArn;
  if (dlq) calls.push({ action: 'sqs:SendMessage', resource: dlq, why: 'Lambda sends a failed asynchronous event to the function DLQ' });
  return calls;
}

export interface ResolvedCall {
  fn: FunctionModel;
  action: string;
  resource: string;
  context: Record<string, string>;
  why: string;
}

export function callsOfFunction(m: IamModel, fn: FunctionModel, recorded: CallMap): ResolvedCall[] {
  const ctx = (c?: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(c ?? {}).map(([k, v]) => [k, resolveTemplate(m, fn, v)]));
  const own = (recorded[fn.name] ?? []).map((c) => ({
    fn,
    action: c.action,
    resource: resolveTemplate(m, fn, c.resource),
    context: ctx(c.context),
    why: 'recorded',
  }));
  const platform = platformCalls(m, fn).map((c) => ({ fn, action: c.action, resource: c.resource, context: {}, why: c.why }));
  return [...own, ...platform];
}

/** The function's request as AWS evaluates it: its role, its identity policies, the resource's policy. */
export function requestOf(m: IamModel, c: ResolvedCall): Request {
  return {
    principal: c.fn.roleArn,
    action: c.action,
    resource: c.resource,
    identityPolicies: c.fn.policies,
    resourcePolicy: resourcePolicyFor(m, c.resource),
    context: {
      'aws:PrincipalArn': c.fn.roleArn,
      'aws:PrincipalAccount': ACCOUNT,
      ...(c.action.startsWith('kms:') ? { 'kms:CallerAccount': ACCOUNT } : {}),
      ...c.context,
    },
  };
}
