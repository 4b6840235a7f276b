/**
 * Every caller gets only its own rights (issue 12): managed policies separating the company app from
 * operators, a tighter throttle on the webhook routes than on company routes, reserved concurrency so
 * that no runaway function starves the money path, and the data key with its grants.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/config/env.js';
import { operations } from '../../shared/catalog/index.js';
import { webhookHealthPath, webhooks } from '../../shared/webhooks/catalog.js';
import { dataKeyExcludedCharacters } from '../../infra/lib/core.js';
import { functionSpecs, webhookFunctionName, type FunctionSpec } from '../../infra/lib/inventory.js';
import { allResources, functionNamed, synthSuite, type CfnResource, type StackTemplate, type Synthesized } from './synth.js';

const parentOf = (s: Synthesized): StackTemplate => s.stacks.find((t) => t.name === 'parent')!;

/** The managed policy named `<prefix>-<suffix>` and the route part (stage, method, path) of each resource it allows. */
function callerPolicy(s: Synthesized, suffix: string): { logicalId: string; resource: CfnResource; routes: string[] } | undefined {
  const found = Object.entries(parentOf(s).json.Resources).find(
    ([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties?.ManagedPolicyName === `${s.config.prefix}-${suffix}`,
  );
  if (!found) return undefined;
  const [logicalId, resource] = found;
  const statements = (resource.Properties!.PolicyDocument as { Statement: Array<{ Action: string; Effect: string; Resource: unknown[] }> }).Statement;
  expect(statements.every((st) => st.Effect === 'Allow' && st.Action === 'execute-api:Invoke')).toBe(true);
  const routes = statements
    .flatMap((st) => st.Resource)
    .map((r) => {
      const parts = (r as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      return String(parts[parts.length - 1]).replace(/^\//, '');
    });
  return { logicalId, resource, routes };
}

/** What the policy should allow for a catalog route: any (the one) stage, `{param}` segments as `*`. */
const resourceOf = (method: string, path: string): string => `*/${method}${path.replace(/\{[^}]+\}/g, '*')}`;
const companyRoutes = operations.filter((o) => !o.route.path.startsWith('/operations/'));
const operatorRoutes = operations.filter((o) => o.route.path.startsWith('/operations/'));

describe('caller policies (IAM authorization, staging)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthSuite();
  });

  it('lets the company app invoke every operation route outside /operations/ and the OpenAPI document, nothing else', () => {
    const p = callerPolicy(s, 'company-app')!;
    expect(companyRoutes.length).toBeGreaterThan(30);
    expect(p.routes.sort()).toEqual([...companyRoutes.map((o) => resourceOf(o.route.method, o.route.path)), '*/GET/openapi.json'].sort());
    expect(p.routes.filter((r) => r.includes('/operations/'))).toEqual([]);
  });

  it('lets the operator invoke the /operations/* routes and the OpenAPI document, nothing else', () => {
    const p = callerPolicy(s, 'operator')!;
    expect(operatorRoutes.length).toBeGreaterThan(0);
    expect(p.routes.sort()).toEqual([...operatorRoutes.map((o) => resourceOf(o.route.method, o.route.path)), '*/GET/openapi.json'].sort());
  });

  it('scopes both policies to this API (its id in every resource) and never to a webhook route', () => {
    for (const suffix of ['company-app', 'operator']) {
      const p = callerPolicy(s, suffix)!;
      const statements = JSON.stringify(p.resource.Properties!.PolicyDocument);
      expect(statements).not.toContain('/webhook/');
      const resources = (p.resource.Properties!.PolicyDocument as { Statement: Array<{ Resource: unknown[] }> }).Statement.flatMap((st) => st.Resource);
      for (const r of resources) expect(JSON.stringify(r)).toMatch(/:execute-api:.*\{"Ref":"ApiHttpApi[0-9A-F]{8}"\}/);
    }
  });

  it('outputs the ARN of both policies', () => {
    const outputs = parentOf(s).json.Outputs ?? {};
    for (const [output, suffix] of [
      ['CompanyAppPolicyArn', 'company-app'],
      ['OperatorPolicyArn', 'operator'],
    ] as const) {
      expect(outputs[output]?.Value, output).toEqual({ Ref: callerPolicy(s, suffix)!.logicalId });
    }
  });

  it('keeps each policy under the 6,144 characters IAM allows a managed policy, with real-length ids', () => {
    for (const suffix of ['company-app', 'operator']) {
      const doc = JSON.stringify(callerPolicy(s, suffix)!.resource.Properties!.PolicyDocument)
        .replace(/\{"Fn::Join":\["",\[((?:[^[\]]|\[[^\]]*\])*)\]\]\}/g, (_m, parts: string) => JSON.stringify(parts.replace(/"|,/g, '')))
        .replace(/\{Ref:AWS::Partition\}/g, 'aws-us-gov')
        .replace(/\{Ref:AWS::Region\}/g, 'ap-southeast-4')
        .replace(/\{Ref:AWS::AccountId\}/g, '123456789012')
        .replace(/\{Ref:ApiHttpApi[0-9A-F]{8}\}/g, 'abcdefghij');
      expect(doc).not.toContain('Ref');
      expect(doc.length, suffix).toBeLessThan(6144);
    }
  });
});

describe('caller policies with a JWT authorizer', () => {
  it('ships none: IAM policies do not apply to JWT-authorized routes', () => {
    const s = synthSuite({ jwtIssuer: 'https://id.example.com/', jwtAudience: 'suite' });
    expect(callerPolicy(s, 'company-app')).toBeUndefined();
    expect(callerPolicy(s, 'operator')).toBeUndefined();
  });
});

describe('throttling and concurrency, staging defaults', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthSuite();
  });
  const stage = () => Object.values(parentOf(s).template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;

  it('throttles every webhook route and the health probe at 20 requests/s (burst 40), tighter than the 50/100 of company routes', () => {
    const { DefaultRouteSettings, RouteSettings } = stage().Properties as {
      DefaultRouteSettings: Record<string, number>;
      RouteSettings: Record<string, Record<string, number>>;
    };
    expect(DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    const keys = [...webhooks.map((w) => `POST ${w.path}`), `GET ${webhookHealthPath}`, `HEAD ${webhookHealthPath}`];
    expect(Object.keys(RouteSettings).sort()).toEqual(keys.sort());
    for (const key of keys) expect(RouteSettings[key], key).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
  });

  it('creates the stage after the webhook routes it names (route settings need existing routes)', () => {
    const dependsOn = [stage().DependsOn ?? []].flat() as string[];
    const webhooksStackId = Object.keys(parentOf(s).template.findResources('AWS::CloudFormation::Stack')).find((id) => id.startsWith('Webhooks'))!;
    expect(dependsOn).toContain(webhooksStackId);
  });

  it('reserves concurrency for receivers (2), processor (5), reconcile (2) and reconcileUsers (3), and none for operations', () => {
    const reserved = (name: string) => functionNamed(s, name)!.props.ReservedConcurrentExecutions;
    for (const w of webhooks) expect(reserved(webhookFunctionName(w.name)), w.name).toBe(2);
    expect(reserved(webhookFunctionName('health'))).toBe(2);
    expect([reserved('webhookProcessor'), reserved('reconcile'), reserved('reconcileUsers')]).toEqual([5, 2, 3]);
    for (const op of operations) expect(reserved(op.operationId), op.operationId).toBeUndefined();
    expect(reserved('openapi')).toBeUndefined();
  });

  it('lets the SQS pollers run no more batches than their consumer may (maximum concurrency = reservation)', () => {
    const jobs = s.stacks.find((t) => t.name === 'Jobs')!;
    for (const name of ['webhookProcessor', 'reconcileUsers']) {
      const fn = functionNamed(s, name)!;
      const esm = Object.values(jobs.template.findResources('AWS::Lambda::EventSourceMapping')).find(
        (m) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify({ Ref: fn.logicalId }),
      )!;
      expect(esm.Properties.ScalingConfig, name).toEqual({ MaximumConcurrency: fn.props.ReservedConcurrentExecutions });
    }
  });
});

describe('throttling and concurrency settings', () => {
  const reservedTotal = (s: Synthesized): number =>
    allResources(s)
      .filter((r) => r.resource.Type === 'AWS::Lambda::Function')
      .reduce((sum, r) => sum + Number(r.resource.Properties?.ReservedConcurrentExecutions ?? 0), 0);

  it('reserves more in production (receivers 5, processor 10) and leaves at least 100 of the default 1000 unreserved', () => {
    const s = synthSuite({ stage: 'production' });
    expect(functionNamed(s, webhookFunctionName(webhooks[0]!.name))!.props.ReservedConcurrentExecutions).toBe(5);
    expect(functionNamed(s, 'webhookProcessor')!.props.ReservedConcurrentExecutions).toBe(10);
    expect(reservedTotal(s)).toBe((webhooks.length + 1) * 5 + 10 + 2 + 5);
    expect(1000 - reservedTotal(s)).toBeGreaterThanOrEqual(100);
  });

  it('takes the limits from context, and 0 removes a reservation', () => {
    const s = synthSuite({ webhookRateLimit: 5, webhookBurstLimit: 10, webhookReceiverConcurrency: 0, webhookProcessorConcurrency: 8 });
    const settings = Object.values(parentOf(s).template.findResources('AWS::ApiGatewayV2::Stage'))[0]!.Properties.RouteSettings as Record<string, unknown>;
    expect(settings[`POST ${webhooks[0]!.path}`]).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
    expect(functionNamed(s, webhookFunctionName(webhooks[0]!.name))!.props.ReservedConcurrentExecutions).toBeUndefined();
    expect(functionNamed(s, 'webhookProcessor')!.props.ReservedConcurrentExecutions).toBe(8);
  });

  it('follows a moved webhook path with its throttle', () => {
    const s = synthSuite({ webhookPathOverrides: JSON.stringify({ [webhooks[0]!.name]: '/webhook/moved' }) });
    const settings = Object.values(parentOf(s).template.findResources('AWS::ApiGatewayV2::Stage'))[0]!.Properties.RouteSettings as Record<string, unknown>;
    expect(settings['POST /webhook/moved']).toBeDefined();
    expect(settings[`POST ${webhooks[0]!.path}`]).toBeUndefined();
  });

  it('refuses a webhook throttle looser than the company routes', () => {
    expect(() => synthSuite({ webhookRateLimit: 60 })).toThrow(/webhookRateLimit.*must not exceed apiRateLimit/);
    expect(() => synthSuite({ webhookBurstLimit: 200 })).toThrow(/webhookBurstLimit.*must not exceed apiBurstLimit/);
  });

  it('refuses reservations that would leave fewer than 100 unreserved executions', () => {
    expect(() => synthSuite({ accountConcurrency: 130 })).toThrow(/accountConcurrency.*fewer than 100 unreserved/);
  });

  it('refuses a reservation of 1 for an SQS consumer (its event source needs 2)', () => {
    expect(() => synthSuite({ webhookProcessorConcurrency: 1 })).toThrow(/webhookProcessorConcurrency.*at least 2/);
  });
});

describe('the data key', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthSuite();
  });

  /** Every character GetRandomPassword may draw: letters, digits and its punctuation set. */
  const secretsManagerAlphabet = `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~`;

  it('is generated by Secrets Manager as 43 characters of the base64 alphabet (256 bits once decoded)', () => {
    const secret = Object.values(parentOf(s).template.findResources('AWS::SecretsManager::Secret')).find((r) => r.Properties.Name === 'p100-staging/data-key')!;
    const gen = secret.Properties.GenerateSecretString as { PasswordLength: number; ExcludeCharacters: string; RequireEachIncludedType: boolean };
    expect(gen.PasswordLength).toBe(43);
    expect(gen.RequireEachIncludedType).toBe(false);
    expect(gen.ExcludeCharacters).toBe(dataKeyExcludedCharacters);
    const drawn = [...secretsManagerAlphabet].filter((c) => !gen.ExcludeCharacters.includes(c));
    expect(drawn.length).toBe(64);
    expect(drawn.every((c) => /[A-Za-z0-9+/]/.test(c))).toBe(true);
    // 43 base64 characters decode to 32 bytes.
    expect(Buffer.from('A'.repeat(43), 'base64')).toHaveLength(32);
  });

  it(`names the secret in ${ENV.dataKeySecretId} exactly for money and write operations, receivers and the processor (not the reconciliation jobs: they fingerprint and seal nothing)`, () => {
    const expected = (spec: FunctionSpec): boolean => {
      switch (spec.kind) {
        case 'operation':
          return spec.operation.kind !== 'read';
        case 'webhook':
          return true;
        case 'webhookHealth':
        case 'openApi':
          return false;
        case 'job':
          return spec.job.trigger === 'webhook-queue';
      }
    };
    for (const spec of functionSpecs()) {
      const fn = functionNamed(s, spec.name)!;
      const grant = fn.statements.filter(
        (st) => [st.Action].flat().includes('secretsmanager:GetSecretValue') && JSON.stringify(st.Resource).includes('DataKeySecret'),
      );
      expect(grant.length === 1, spec.name).toBe(expected(spec));
      expect(fn.env[ENV.dataKeySecretId] !== undefined, spec.name).toBe(expected(spec));
    }
  });

  it('outputs the secret name', () => {
    expect(
      Object.entries(parentOf(s).json.Outputs ?? {}).some(([k, o]) => k === 'DataKeySecretName' && JSON.stringify(o.Value).includes('DataKeySecret')),
    ).toBe(true);
  });
});
