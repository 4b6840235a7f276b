/**
 * What passes locally works on AWS: every AWS call each function makes (test/infra/recorded-calls.json, recorded
 * by the local runtime: local/aws/recorder.ts) and every call AWS services make to reach our resources, evaluated
 * by an IAM evaluation engine nobody here wrote (@cloud-copilot/iam-simulate, AGPL-3.0, a test-only dependency)
 * against the synthesized templates of every stage variant: the function's identity policies and the resource's
 * policies. A Deny fails; a grant no call uses fails unless a reason sits in {@link unusedGrantReasons}; and the
 * caller policies are checked route by route.
 *
 * Regenerate the recorded calls with `npm run record-calls` after changing what a function calls.
 */
import { readFileSync } from 'node:fs';
import { anonymousPrincipal } from '@cloud-copilot/iam-simulate';
import { beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../shared/catalog/index.js';
import { functionSpecs } from '../../shared/functions.js';
import { accessFor, dataPaths, type DataPathName, type SuiteTable } from '../../infra/lib/access.js';
import { ENV } from '../../shared/config/env.js';
import type { AwsCall } from '../../local/aws/recorder.js';
import { ACCOUNT, iamModel, OTHER_ACCOUNT, PARTITION, REGION, resourcePolicyFor, type FunctionModel, type IamModel, type PolicyDocument } from './iam-model.js';
import { callsOfFunction, requestOf, simulate, simulated, type Request, type ResolvedCall, type Verdict } from './iam-check.js';
import { derivedCallsFile, recordedCallsFile, type CallMap } from './record-calls.js';
import { synthSuite } from './synth.js';

const recorded = JSON.parse(readFileSync(recordedCallsFile, 'utf8')) as CallMap;
const derived = JSON.parse(readFileSync(derivedCallsFile, 'utf8')) as Record<string, { reason: string; calls: AwsCall[] }>;

/** The stage variants a deployment can take (README "Deploy", infra/README.md "Context"). */
const variants: Record<string, Record<string, unknown>> = {
  staging: {},
  'production, static egress, alarm e-mail': { stage: 'production', staticEgress: 'true', alarmEmail: 'ops@example.com' },
  console: { console: 'true' },
  'developer feed': { developerFeed: 'true' },
  'JWT authorizer': { jwtIssuer: 'https://id.example.com/', jwtAudience: 'suite' },
};

/** Functions with no AWS call of their own, and why (checked: they hold no grant beyond logs and tracing either). */
const noAwsCalls: Record<string, string> = {
  'webhook-health': 'answers the health probe from memory',
  openapi: 'serves the OpenAPI document built from the catalog',
};

/**
 * A DynamoDB call belongs to a data path (infra/lib/access.ts), not to the function running it: the code of a path
 * sends the same commands whichever function runs it, and the tests exercise each path through some of its
 * functions (an Idempotency-Key replay through a few writes, not all 40). So a table grant counts as used when a
 * function sharing one of its data paths was recorded making that call on that table. Per function the check
 * stays exact for everything else (secrets, queues, bucket, bus, index or table).
 */
const tableVariable: Record<SuiteTable, string> = { idempotency: ENV.idempotencyTable, ledger: ENV.ledgerTable, inbox: ENV.inboxTable };

function dataPathsOf(name: string): DataPathName[] {
  const spec = functionSpecs().find((s) => s.name === name);
  return spec ? [...accessFor(spec).data] : [];
}

/**
 * The DynamoDB calls of `fn`'s data paths recorded through other functions: for each path `fn` runs (not the user
 * ledger, whose reads depend on the entry's mapping), the calls of every function running it, on that path's
 * tables and with that path's actions only.
 */
function pooledTableCalls(m: IamModel, fn: FunctionModel): ResolvedCall[] {
  const out: ResolvedCall[] = [];
  for (const path of dataPathsOf(fn.name).filter((p) => p !== 'userLedger')) {
    const tables = dataPaths[path].tables as Partial<Record<SuiteTable, readonly string[]>>;
    for (const peerName of functionSpecs()
      .filter((s) => s.name !== fn.name && dataPathsOf(s.name).includes(path))
      .map((s) => s.name)) {
      const peer = m.functions.get(peerName);
      if (!peer) continue;
      for (const c of callsOfFunction(m, peer, recorded)) {
        const onPath = Object.entries(tables).some(
          ([t, actions]) =>
            actions?.includes(c.action) && c.resource === `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT}:table/${peer.env[tableVariable[t as SuiteTable]]}`,
        );
        if (onPath) out.push({ ...c, fn });
      }
    }
  }
  return out;
}

/**
 * Grants that no recorded call uses, each with the reason it stays. Keyed by action; the reason applies to every
 * resource of that action in a function's policies.
 */
/**
 * Table grants of branches no local test reaches yet, keyed `<table variable>:<action>`: each a real path of the
 * code (test/infra/table-grants.test.ts finds the command in the source), recorded here until a test drives it.
 */
const unreachedBranches: Record<string, string> = {
  'idempotencyKey:IDEMPOTENCY_TABLE:dynamodb:DeleteItem':
    'IdempotencyStore releases the record when a first attempt provably did nothing (429, P501, refused connection); no recorded run fails a first attempt that way',
  'money:IDEMPOTENCY_TABLE:dynamodb:DeleteItem': 'the same release, through withIdempotency',
  'money:LEDGER_TABLE:dynamodb:GetItem':
    'withIdempotency reads the ledger entry of an outcome-unknown replay; the recorded money runs replay only settled answers',
  'money:LEDGER_TABLE:dynamodb:UpdateItem':
    'withIdempotency settles a PENDING ledger entry (ACCEPTED, or UNKNOWN after a timeout); not reached by the recorded money runs',
  'cardLedger:LEDGER_TABLE:dynamodb:GetItem':
    'applyStatus reads the card entry when its conditional update fails (a status the table does not allow); the recorded card steps all apply',
  'webhookReceiver:LEDGER_TABLE:dynamodb:GetItem': 'a receiver reads the entity state version when a body repeats (ASSUMPTIONS E9)',
  'webhookReceiver:INBOX_TABLE:dynamodb:GetItem': 'a receiver reads the stored event on a redelivery',
  'webhookReceiver:INBOX_TABLE:dynamodb:UpdateItem': 'a receiver counts a redelivery on the stored event',
};

const unusedGrantReasons: Record<string, string> = {
  'sqs:GetQueueUrl': "CDK's SqsEventSource grants it with the consume actions of the event source mapping",
  'logs:CreateLogGroup': 'part of AWSLambdaVPCAccessExecutionRole (AWS managed); the group exists already, so the call never happens',
  'ec2:DescribeSubnets': 'part of AWSLambdaVPCAccessExecutionRole (AWS managed), which Lambda reads when it sets up the network interfaces',
};

/** Grants of one function no recorded call uses, keyed `<function>:<action>`, with the reason each stays. */
const unusedFunctionGrants: Record<string, string> = {
  'addKycFile:s3:ListBucket': 'addKycFile and addPoaFile run the same loadUpload; the missing-upload branch is recorded through addPoaFile (documents.test.ts)',
  'webhookProcessor:secretsmanager:GetSecretValue':
    'the processor opens sealed card codes with the webhook token; locally it shares the receiver fetch of the same secret (one process, single-flight cache)',
  'reconcile:lambda:InvokeFunction': 'reconcile invokes itself to go on after its timeout; no local run is long enough',
};

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** One Allow statement per (action, resource) of every identity policy of a function. */
function grantsOf(fn: FunctionModel): Array<{ action: string; resource: string; statement: PolicyDocument['Statement'][number]; policy: string }> {
  return fn.policies.flatMap(({ name, policy }) =>
    policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) =>
      asList(s.Action).flatMap((action) => asList(s.Resource).map((resource) => ({ action, resource, statement: s, policy: name }))),
    ),
  );
}

/** `METHOD /path/{id}` → the execute-api ARN of a request to it (a sample value per path parameter). */
function routeArn(routeKey: string, api = 'suiteapi'): string {
  const [method, path] = routeKey.split(' ') as [string, string];
  return `arn:${PARTITION}:execute-api:${REGION}:${ACCOUNT}:${api}/$default/${method}${path.replace(/\{[^}]+\}/g, 'x1')}`;
}

/**
 * The SourceArn API Gateway sends when it invokes a route's function: the route's path as declared, parameters in
 * braces (what CDK's HttpLambdaIntegration permission names), not the caller's values.
 */
function routeSourceArn(routeKey: string, api = 'suiteapi'): string {
  const [method, path] = routeKey.split(' ') as [string, string];
  return `arn:${PARTITION}:execute-api:${REGION}:${ACCOUNT}:${api}/$default/${method}${path}`;
}

const models = new Map<string, IamModel>();
let synthMs = 0;

beforeAll(() => {
  const t0 = performance.now();
  for (const [name, context] of Object.entries(variants)) models.set(name, iamModel(synthSuite(context)));
  synthMs = performance.now() - t0;
}, 600_000);

describe('recorded AWS calls (test/infra/recorded-calls.json)', () => {
  it('cover every function of the suite: recorded by a test, derived with a reason, or making no AWS call', () => {
    const names = functionSpecs().map((s) => s.name);
    const missing = names.filter((n) => !(n in recorded) && !(n in noAwsCalls));
    expect(missing, 'functions with no recorded calls: run `npm run record-calls`, or add them to derived-calls.json with a reason').toEqual([]);
    expect(
      Object.keys(recorded).filter((n) => !names.includes(n)),
      'recorded functions the suite no longer has',
    ).toEqual([]);
    for (const [fn, d] of Object.entries(derived)) expect(d.reason, `${fn} in derived-calls.json needs a reason`).toMatch(/.{40,}/);
  });
});

describe.each(Object.keys(variants))('%s: the templates allow what the code does', (variant) => {
  const model = (): IamModel => {
    const m = models.get(variant);
    if (!m) throw new Error(`${variant} not synthesized`);
    return m;
  };

  it('every function has a model and every call it makes (recorded, and what Lambda does with its role) is allowed', async () => {
    const m = model();
    const refused: string[] = [];
    for (const name of functionSpecs().map((s) => s.name)) {
      const fn = m.functions.get(name);
      if (!fn) {
        refused.push(`${name}: no function in the template`);
        continue;
      }
      for (const c of callsOfFunction(m, fn, recorded)) {
        const verdict = await simulate(requestOf(m, c));
        if (verdict !== 'Allowed') refused.push(`${name}: ${c.action} on ${c.resource} is ${verdict} (${c.why})`);
      }
    }
    const explained = refused.map((r) =>
      r.includes('ec2:CreateNetworkInterface')
        ? `${r} [defect: a function in the VPC whose role cannot manage network interfaces cannot be created]`
        : r.includes('s3:ListBucket')
          ? `${r} [defect: without s3:ListBucket S3 answers 403 AccessDenied for a missing upload, not NoSuchKey: 500 instead of 400]`
          : r,
    );
    expect(explained).toEqual([]);
  });

  it('every grant is used by a call, or carries a written reason', async () => {
    const m = model();
    const unused: string[] = [];
    const suite = new Set(functionSpecs().map((x) => x.name));
    for (const fn of [...m.functions.values()].filter((f) => suite.has(f.name))) {
      const own = callsOfFunction(m, fn, recorded);
      const peers = pooledTableCalls(m, fn);
      const calls = [...own, ...peers];
      for (const g of grantsOf(fn)) {
        if (unusedGrantReasons[g.action] || unusedFunctionGrants[`${fn.name}:${g.action}`]) continue;
        const tableVar = Object.entries(fn.env).find(([, v]) => g.resource.endsWith(`:table/${v}`))?.[0];
        if (tableVar && dataPathsOf(fn.name).some((path) => unreachedBranches[`${path}:${tableVar}:${g.action}`])) continue;
        const policy: PolicyDocument = { Version: '2012-10-17', Statement: [{ ...g.statement, Action: g.action, Resource: g.resource }] };
        let used = false;
        for (const c of calls) {
          // KMS evaluates the key policy always (its root statement delegates to IAM); other resource policies are left out.
          const req = requestOf(m, c);
          const verdict = await simulate({
            ...req,
            identityPolicies: [{ name: 'one-grant', policy }],
            resourcePolicy: c.action.startsWith('kms:') ? req.resourcePolicy : undefined,
          });
          if (verdict === 'Allowed') {
            used = true;
            break;
          }
        }
        if (!used) unused.push(`${fn.name}: ${g.action} on ${g.resource}`);
      }
    }
    expect(unused, 'grants no recorded call uses (remove them, or give the reason in unusedGrantReasons)').toEqual([]);
  });

  it('AWS services reach what they must: logs and alarm encryption, alarms to SNS, S3 log delivery, EventBridge to SQS, Scheduler and API Gateway to Lambda', async () => {
    const m = model();
    const refused: string[] = [];
    const expectAllowed = async (what: string, r: Request): Promise<void> => {
      const verdict = await simulate(r);
      if (verdict !== 'Allowed') refused.push(`${what}: ${r.action} on ${r.resource} is ${verdict}`);
    };
    const expectRefused = async (what: string, r: Request): Promise<void> => {
      if ((await simulate(r)) === 'Allowed') refused.push(`${what}: ${r.action} on ${r.resource} is Allowed`);
    };
    const keyArn = (ref: string): string => (ref.startsWith('arn:') ? ref : `arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/${ref}`);
    for (const x of m.resolved) {
      const p = x.props;
      if (x.type === 'AWS::Logs::LogGroup' && p.KmsKeyId) {
        const key = keyArn(String(p.KmsKeyId));
        for (const action of ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt']) {
          await expectAllowed(`CloudWatch Logs encrypts ${String(p.LogGroupName)}`, {
            principal: `logs.${REGION}.amazonaws.com`,
            action,
            resource: key,
            resourcePolicy: resourcePolicyFor(m, key),
            context: { 'kms:EncryptionContext:aws:logs:arn': `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:${String(p.LogGroupName)}` },
          });
          await expectRefused(`CloudWatch Logs encrypts a log group of someone else with ${key}`, {
            principal: `logs.${REGION}.amazonaws.com`,
            action,
            resource: key,
            resourcePolicy: resourcePolicyFor(m, key),
            context: { 'kms:EncryptionContext:aws:logs:arn': `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/someone-else` },
          });
        }
      }
      if (x.type === 'AWS::CloudWatch::Alarm') {
        const alarm = `arn:${PARTITION}:cloudwatch:${REGION}:${ACCOUNT}:alarm:${String(p.AlarmName)}`;
        for (const topic of asList(p.AlarmActions as string[])) {
          const topicResource = m.resolved.find(
            (t) => t.type === 'AWS::SNS::Topic' && t.stack.name === 'parent' && `arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:${topic.split(':').pop()}` === topic,
          );
          await expectAllowed(
            `CloudWatch alarm ${String(p.AlarmName)} notifies [defect: a topic policy replaces the default, so CloudWatch needs its own Allow]`,
            {
              principal: 'cloudwatch.amazonaws.com',
              action: 'sns:Publish',
              resource: topic,
              resourcePolicy: resourcePolicyFor(m, topic),
              context: { 'aws:SourceArn': alarm, 'aws:SourceAccount': ACCOUNT },
            },
          );
          const key = topicResource?.props.KmsMasterKeyId;
          if (key) {
            for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
              await expectAllowed(`CloudWatch alarm ${String(p.AlarmName)} encrypts for the topic`, {
                principal: 'cloudwatch.amazonaws.com',
                action,
                resource: keyArn(String(key)),
                resourcePolicy: resourcePolicyFor(m, keyArn(String(key))),
                context: { 'aws:SourceArn': alarm, 'aws:SourceAccount': ACCOUNT, 'kms:ViaService': `sns.${REGION}.amazonaws.com` },
              });
            }
          }
        }
      }
      if (x.type === 'AWS::S3::Bucket' && p.LoggingConfiguration) {
        const { DestinationBucketName, LogFilePrefix } = p.LoggingConfiguration as { DestinationBucketName: string; LogFilePrefix?: string };
        const object = `arn:${PARTITION}:s3:::${DestinationBucketName}/${LogFilePrefix ?? ''}2026-01-01-00-00-00-ABC`;
        await expectAllowed(`S3 delivers the access logs of ${String(p.BucketName)}`, {
          principal: 'logging.s3.amazonaws.com',
          action: 's3:PutObject',
          resource: object,
          resourcePolicy: resourcePolicyFor(m, object),
          context: { 'aws:SourceArn': `arn:${PARTITION}:s3:::${String(p.BucketName)}`, 'aws:SourceAccount': ACCOUNT },
        });
      }
      if (x.type === 'AWS::Events::Rule') {
        const rule = String(m.resolver.resolve(x.stack, { 'Fn::GetAtt': [x.logicalId, 'Arn'] }));
        for (const t of (p.Targets as Array<{ Arn: string }> | undefined) ?? []) {
          if (!t.Arn.startsWith(`arn:${PARTITION}:sqs:`)) continue;
          await expectAllowed(`EventBridge rule ${x.logicalId} delivers`, {
            principal: 'events.amazonaws.com',
            action: 'sqs:SendMessage',
            resource: t.Arn,
            resourcePolicy: resourcePolicyFor(m, t.Arn),
            context: { 'aws:SourceArn': rule, 'aws:SourceAccount': ACCOUNT },
          });
        }
      }
      if (x.type === 'AWS::Scheduler::Schedule') {
        const target = p.Target as { Arn: string; RoleArn: string };
        const role = m.roles.get(target.RoleArn);
        const schedule = `arn:${PARTITION}:scheduler:${REGION}:${ACCOUNT}:schedule/default/${x.logicalId}`;
        await expectAllowed(`Scheduler assumes the role of ${x.logicalId}`, {
          principal: 'scheduler.amazonaws.com',
          action: 'sts:AssumeRole',
          resource: target.RoleArn,
          resourcePolicy: role?.trust,
          context: { 'aws:SourceArn': schedule, 'aws:SourceAccount': ACCOUNT },
        });
        await expectAllowed(`Scheduler invokes the target of ${x.logicalId}`, {
          principal: target.RoleArn,
          action: 'lambda:InvokeFunction',
          resource: target.Arn,
          identityPolicies: role?.policies ?? [],
          resourcePolicy: resourcePolicyFor(m, target.Arn),
        });
      }
      if (x.type === 'AWS::ApiGatewayV2::Route') {
        const integrationId = /integrations\/(.+)$/.exec(String(p.Target))?.[1];
        const integration = m.resolved.find((i) => i.type === 'AWS::ApiGatewayV2::Integration' && i.stack === x.stack && i.logicalId === integrationId);
        const fnArn = integration ? String(integration.props.IntegrationUri) : '';
        if (!fnArn.startsWith(`arn:${PARTITION}:lambda:`)) continue;
        await expectAllowed(`API Gateway invokes the function of ${String(p.RouteKey)}`, {
          principal: 'apigateway.amazonaws.com',
          action: 'lambda:InvokeFunction',
          resource: fnArn,
          resourcePolicy: resourcePolicyFor(m, fnArn),
          context: { 'aws:SourceArn': routeSourceArn(String(p.RouteKey)), 'aws:SourceAccount': ACCOUNT },
        });
        const verdict = await simulate({
          principal: 'apigateway.amazonaws.com',
          action: 'lambda:InvokeFunction',
          resource: fnArn,
          resourcePolicy: resourcePolicyFor(m, fnArn),
          context: { 'aws:SourceArn': routeSourceArn(String(p.RouteKey), 'otherapi'), 'aws:SourceAccount': ACCOUNT },
        });
        if (verdict === 'Allowed') refused.push(`another API may invoke the function of ${String(p.RouteKey)}`);
      }
    }
    for (const fn of m.functions.values()) {
      await expectAllowed(`Lambda assumes the role of ${fn.name}`, {
        principal: 'lambda.amazonaws.com',
        action: 'sts:AssumeRole',
        resource: fn.roleArn,
        resourcePolicy: fn.trust,
      });
    }
    expect(refused).toEqual([]);
  });

  it('who gets in where: the company app reaches no operator or webhook route, the operator no money route, strangers nothing', async () => {
    const m = model();
    const wrong: string[] = [];
    const managed = (suffix: string): PolicyDocument | undefined =>
      m.resolved.find((x) => x.type === 'AWS::IAM::ManagedPolicy' && String(x.props.ManagedPolicyName).endsWith(`-${suffix}`))?.props.PolicyDocument as
        | PolicyDocument
        | undefined;
    // With a JWT authorizer there are no IAM caller policies: the token's issuer and audience decide.
    const company = managed('company-app') ?? { Statement: [] };
    const operator = managed('operator') ?? { Statement: [] };
    const iamCallers = company.Statement.length > 0;
    const moneyRoutes = new Set(operations.filter((o) => o.kind === 'money').map((o) => `${o.route.method} ${o.route.path}`));
    const routes = m.resolved.filter((x) => x.type === 'AWS::ApiGatewayV2::Route').map((x) => String(x.props.RouteKey));
    expect(routes.length).toBeGreaterThan(60);
    const invoke = (policy: PolicyDocument, key: string, principal = `arn:${PARTITION}:iam::${ACCOUNT}:role/caller`): Promise<Verdict> =>
      simulate({ principal, action: 'execute-api:Invoke', resource: routeArn(key), identityPolicies: [{ name: 'caller', policy }] });
    for (const key of routes) {
      const path = key.split(' ')[1] ?? '';
      const companyVerdict = await invoke(company, key);
      const operatorOnly = path.startsWith('/operations/') || path.startsWith('/console-api/') || path.startsWith('/webhook');
      if (operatorOnly && companyVerdict === 'Allowed') wrong.push(`company app reaches ${key}`);
      if (iamCallers && !operatorOnly && key !== '$default' && companyVerdict !== 'Allowed' && !path.startsWith('/_'))
        wrong.push(`company app cannot reach ${key} (${companyVerdict})`);
      if (moneyRoutes.has(key) && (await invoke(operator, key)) === 'Allowed') wrong.push(`operator reaches money route ${key}`);
      if (path.startsWith('/webhook') && (await invoke(operator, key)) === 'Allowed') wrong.push(`operator reaches webhook route ${key}`);
    }
    // Strangers: an anonymous caller, and an administrator of another account, against every resource policy.
    const strangerAdmin = [{ name: 'admin', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Action: '*', Resource: '*' }] } }];
    const actionsFor = (arn: string): string[] => {
      const service = arn.split(':')[2];
      const byService: Record<string, string[]> = {
        kms: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt'],
        s3: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
        sqs: ['sqs:SendMessage', 'sqs:ReceiveMessage'],
        sns: ['sns:Publish', 'sns:Subscribe'],
        secretsmanager: ['secretsmanager:GetSecretValue'],
        lambda: ['lambda:InvokeFunction'],
      };
      return byService[service ?? ''] ?? [];
    };
    for (const [arn, policy] of m.resourcePolicies) {
      const resource = arn.startsWith(`arn:${PARTITION}:s3:::`) ? `${arn}/uploads/x` : arn;
      for (const action of actionsFor(arn)) {
        const target = action === 's3:ListBucket' ? arn : resource;
        for (const [who, principal, identityPolicies] of [
          ['anonymous', anonymousPrincipal, []],
          ['another account', `arn:${PARTITION}:iam::${OTHER_ACCOUNT}:role/intruder`, strangerAdmin],
        ] as const) {
          const verdict = await simulate({ principal, action, resource: target, identityPolicies: [...identityPolicies], resourcePolicy: policy });
          if (verdict === 'Allowed') wrong.push(`${who} may ${action} on ${target}`);
        }
      }
    }
    for (const key of routes.slice(0, 5)) {
      const verdict = await simulate({ principal: anonymousPrincipal, action: 'execute-api:Invoke', resource: routeArn(key) });
      if (verdict === 'Allowed') wrong.push(`anonymous reaches ${key}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('cost of this check', () => {
  it('reports synthesis time and the number of simulated requests', () => {
    console.log(`aws-calls: ${models.size} variants synthesized in ${Math.round(synthMs)} ms; ${simulated()} requests simulated`);
    expect(models.size).toBe(Object.keys(variants).length);
  });
});
