import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { operations } from '../../shared/catalog/index.js';
import { jobs } from '../../shared/jobs.js';
import { webhookHealthPath, webhooks } from '../../shared/webhooks/catalog.js';
import { functionSpecs as infraFunctionSpecs, openApiEntry, openApiPath, webhookFunctionName, webhookHealthEntry } from '../../infra/lib/inventory.js';
import { functionRoutes, functionSpecs } from '../../shared/functions.js';
import { functionNamed, routeFor, synthSuite, type Synthesized } from './synth.js';

describe('routes and functions come from the catalogs', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthSuite();
  });

  it('gives every catalog operation its own function behind an IAM-authorized route', () => {
    expect(operations.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const op of operations) {
      const key = `${op.route.method} ${op.route.path}`;
      const route = routeFor(s, key);
      expect(route, key).toBeDefined();
      expect(route!.route.AuthorizationType, key).toBe('AWS_IAM');
      const fn = functionNamed(s, op.operationId);
      expect(fn, op.operationId).toBeDefined();
      expect(route!.functionLogicalId).toBe(fn!.logicalId);
      expect(route!.stack).toBe(fn!.stack);
      seen.add(`${fn!.stack.name}/${fn!.logicalId}`);
    }
    expect(seen.size).toBe(operations.length);
  });

  it('exposes every webhook receiver as a public POST route to its own function', () => {
    for (const w of webhooks) {
      const route = routeFor(s, `POST ${w.path}`);
      expect(route, w.path).toBeDefined();
      expect(route!.route.AuthorizationType, w.path).toBe('NONE');
      expect(route!.functionLogicalId).toBe(functionNamed(s, webhookFunctionName(w.name))!.logicalId);
    }
  });

  it('serves the webhook health probe as a public GET and HEAD, both to the one health function', () => {
    expect(webhookHealthEntry).toBe('functions/webhooks/health.ts');
    for (const method of ['GET', 'HEAD']) {
      const route = routeFor(s, `${method} ${webhookHealthPath}`);
      expect(route?.route.AuthorizationType, method).toBe('NONE');
      expect(route?.functionLogicalId, method).toBe(functionNamed(s, webhookFunctionName('health'))!.logicalId);
    }
    // Both routes are allowed to invoke it.
    const webhooksStack = s.stacks.find((t) => t.name === 'Webhooks')!;
    const healthId = functionNamed(s, webhookFunctionName('health'))!.logicalId;
    const permissions = Object.values(webhooksStack.template.findResources('AWS::Lambda::Permission')).filter((p) =>
      JSON.stringify(p.Properties.FunctionName).includes(healthId),
    );
    expect(permissions.length).toBeGreaterThanOrEqual(1);
    for (const p of permissions) expect(JSON.stringify(p.Properties.SourceArn)).toContain(`/*/*${webhookHealthPath}`);
  });

  it('serves GET /openapi.json from its own function, authorized like the operations', () => {
    expect(openApiEntry).toBe('functions/operations/openapi.ts');
    const route = routeFor(s, `GET ${openApiPath}`);
    expect(route?.route.AuthorizationType).toBe('AWS_IAM');
    expect(route?.functionLogicalId).toBe(functionNamed(s, 'openapi')!.logicalId);
  });

  it('has no route without authorization other than the webhooks and health', () => {
    const publicPaths = new Set([...webhooks.map((w) => `POST ${w.path}`), `GET ${webhookHealthPath}`, `HEAD ${webhookHealthPath}`]);
    const open = s.stacks
      .flatMap((t) => Object.values(t.json.Resources))
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties?.AuthorizationType === 'NONE')
      .map((r) => r.Properties?.RouteKey as string);
    expect(open.sort()).toEqual([...publicPaths].sort());
  });

  it('deploys exactly the one function list of shared/functions.ts (the local runner serves the same): names, entries, routes', () => {
    const listed = functionSpecs();
    expect(infraFunctionSpecs().map((f) => `${f.name} -> ${f.entry}`)).toEqual(listed.map((f) => `${f.name} -> ${f.entry}`));
    const deployed = s.stacks
      .flatMap((t) => Object.values(t.json.Resources))
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => String(r.Properties?.FunctionName))
      .sort();
    expect(deployed).toEqual(listed.map((f) => `${s.config.prefix}-${f.name}`).sort());
    const routeKeys = s.stacks
      .flatMap((t) => Object.values(t.json.Resources))
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
      .map((r) => String(r.Properties?.RouteKey))
      .sort();
    expect(routeKeys).toEqual(listed.flatMap((f) => functionRoutes(f).map((r) => `${r.method} ${r.path}`)).sort());
  });

  it('deploys every job, each on nodejs24.x / arm64 with tracing, both layers and a log group', () => {
    for (const job of jobs) {
      const fn = functionNamed(s, job.name);
      expect(fn, job.name).toBeDefined();
      expect(fn!.props).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      expect(fn!.props.Layers).toHaveLength(2);
      expect(fn!.props.LoggingConfig).toHaveProperty('LogGroup');
    }
  });

  it('gives every function both layers: the client layer and the AWS SDK layer it resolves @aws-sdk/* from', () => {
    const fns = s.stacks.flatMap((t) => Object.values(t.template.findResources('AWS::Lambda::Function')));
    expect(fns.length).toBeGreaterThan(operations.length);
    for (const f of fns) {
      const layers = (f.Properties.Layers as unknown[]).map((l) => JSON.stringify(l));
      expect(new Set(layers).size, String(f.Properties.FunctionName)).toBe(2);
    }
    s.stacks[0]!.template.resourceCountIs('AWS::Lambda::LayerVersion', 2);
  });

  it('feeds the webhook processor from the webhook queue with partial batch failures', () => {
    const jobsStack = s.stacks.find((t) => t.name === 'Jobs')!;
    const processor = functionNamed(s, 'webhookProcessor')!;
    jobsStack.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: processor.logicalId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: { Ref: Match.stringLikeRegexp('WebhookQueue') },
    });
  });

  it('feeds reconcileUsers from the reconcile queue with partial batch failures', () => {
    const jobsStack = s.stacks.find((t) => t.name === 'Jobs')!;
    jobsStack.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionNamed(s, 'reconcileUsers')!.logicalId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: { Ref: Match.stringLikeRegexp('ReconcileQueue') },
    });
  });

  it('schedules reconciliation every 15 minutes by default', () => {
    const jobsStack = s.stacks.find((t) => t.name === 'Jobs')!;
    jobsStack.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      Target: { Arn: { 'Fn::GetAtt': [functionNamed(s, 'reconcile')!.logicalId, 'Arn'] } },
    });
  });
});

describe('context switches', () => {
  it('uses a JWT authorizer on operation routes when jwtIssuer and jwtAudience are set', () => {
    const s = synthSuite({ jwtIssuer: 'https://id.example.com/', jwtAudience: 'suite-api', reconcileIntervalMinutes: 5 });
    s.stacks[0]!.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://id.example.com/', Audience: ['suite-api'] },
    });
    const op = operations[0]!;
    expect(routeFor(s, `${op.route.method} ${op.route.path}`)!.route.AuthorizationType).toBe('JWT');
    expect(routeFor(s, `GET ${openApiPath}`)!.route.AuthorizationType).toBe('JWT');
    expect(routeFor(s, `POST ${webhooks[0]!.path}`)!.route.AuthorizationType).toBe('NONE');
    s.stacks.find((t) => t.name === 'Jobs')!.template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)' });
  });

  it('rejects an unknown stage before building anything', () => {
    expect(() => synthSuite({ stage: 'prod' })).toThrow(/stage.*staging or production/);
  });
});
