/**
 * The operator console's infrastructure (`-c console=true`, infra/lib/console.ts), read from the
 * synthesized templates: a private bucket read through origin access control only, the strict CSP,
 * Cognito with administrator-created users and MFA in production, and a JWT authorizer on the console's
 * copy of the operator routes and nowhere else. Each synth runs the cdk-nag packs (a finding throws).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_API_PREFIX } from '../../infra/lib/console.js';
import { operations } from '../../shared/catalog/index.js';
import { allResources, routeFor, synthSuite, type CfnResource, type Synthesized } from './synth.js';

const ofType = (s: Synthesized, type: string): CfnResource[] =>
  allResources(s)
    .filter((r) => r.resource.Type === type)
    .map((r) => r.resource);
const one = (s: Synthesized, type: string): Record<string, unknown> => {
  const found = ofType(s, type);
  expect(found, type).toHaveLength(1);
  return found[0]!.Properties ?? {};
};
const operatorOps = operations.filter((op) => op.route.path.startsWith('/operations/'));

describe('operator console stack (staging)', () => {
  let s: Synthesized;
  beforeAll(() => {
    // Throws on any unacknowledged cdk-nag finding (AwsSolutions + Serverless) and on template errors.
    s = synthSuite({ console: 'true' }, { cfnValidation: true });
  }, 240_000);

  it('keeps the site bucket private: all public access blocked, TLS only, readable by the distribution alone', () => {
    const buckets = allResources(s).filter((r) => r.resource.Type === 'AWS::S3::Bucket' && r.logicalId.startsWith('ConsoleSiteBucket'));
    expect(buckets).toHaveLength(1);
    const bucketId = buckets[0]!.logicalId;
    expect(buckets[0]!.resource.Properties?.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const policy = ofType(s, 'AWS::S3::BucketPolicy').find((p) => JSON.stringify(p.Properties?.Bucket).includes(bucketId));
    expect(policy).toBeDefined();
    const statements = (policy!.Properties!.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
    const allows = statements.filter((st) => st.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const st of allows) {
      expect(st.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(JSON.stringify(st.Condition)).toContain('AWS:SourceArn');
      expect(st.Action).toBe('s3:GetObject');
    }
    expect(statements.some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition).includes('aws:SecureTransport'))).toBe(true);
  });

  it('reads the bucket through origin access control (signed requests), with no origin access identity', () => {
    const oac = one(s, 'AWS::CloudFront::OriginAccessControl').OriginAccessControlConfig as Record<string, unknown>;
    expect(oac).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    expect(ofType(s, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toHaveLength(0);
    const dist = one(s, 'AWS::CloudFront::Distribution').DistributionConfig as { Origins: Array<Record<string, unknown>>; DefaultRootObject: string };
    const s3Origins = dist.Origins.filter((o) => o.S3OriginConfig !== undefined);
    expect(s3Origins).toHaveLength(1);
    expect(s3Origins[0]!.OriginAccessControlId).toBeDefined();
    expect(dist.DefaultRootObject).toBe('console/index.html');
  });

  it('sends the strict CSP and the security headers with every answer', () => {
    const config = one(s, 'AWS::CloudFront::ResponseHeadersPolicy').ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
      CustomHeadersConfig: { Items: Array<{ Header: string }> };
    };
    const csp = JSON.stringify(config.SecurityHeadersConfig.ContentSecurityPolicy);
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'"])
      expect(csp).toContain(directive);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain('amazoncognito.com');
    expect(config.SecurityHeadersConfig.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(config.SecurityHeadersConfig.ContentTypeOptions).toBeDefined();
    expect(config.SecurityHeadersConfig.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 730 * 86_400 });
    expect(config.CustomHeadersConfig.Items.map((h) => h.Header).sort()).toEqual(['cross-origin-opener-policy', 'permissions-policy']);
  });

  it('puts the JWT authorizer on the console copy of every operator route and on nothing else', () => {
    const routes = allResources(s).filter((r) => r.resource.Type === 'AWS::ApiGatewayV2::Route');
    const jwt = routes.filter((r) => r.resource.Properties?.AuthorizationType === 'JWT').map((r) => String(r.resource.Properties?.RouteKey));
    expect(jwt.sort()).toEqual(operatorOps.map((op) => `${op.route.method} ${CONSOLE_API_PREFIX}${op.route.path}`).sort());
    // The program-facing routes keep IAM: the operator routes (SigV4 CLI) and every company route.
    for (const op of operations) expect(routeFor(s, `${op.route.method} ${op.route.path}`)?.route.AuthorizationType, op.operationId).toBe('AWS_IAM');
    // The console route runs the operator's own function.
    for (const op of operatorOps) {
      const plain = routeFor(s, `${op.route.method} ${op.route.path}`)!;
      const consoleRoute = routeFor(s, `${op.route.method} ${CONSOLE_API_PREFIX}${op.route.path}`)!;
      expect(consoleRoute.functionLogicalId, op.operationId).toBe(plain.functionLogicalId);
    }
    const authorizer = one(s, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.AuthorizerType).toBe('JWT');
    expect(JSON.stringify((authorizer.JwtConfiguration as { Issuer: unknown }).Issuer)).toContain('cognito-idp.');
  });

  it('forwards /console-api/* to the API uncached, with the Authorization header', () => {
    const dist = one(s, 'AWS::CloudFront::Distribution').DistributionConfig as { CacheBehaviors: Array<Record<string, unknown>> };
    const api = dist.CacheBehaviors.find((b) => b.PathPattern === `${CONSOLE_API_PREFIX}/*`);
    expect(api).toMatchObject({ ViewerProtocolPolicy: 'https-only', CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad' });
    // AllViewerExceptHostHeader: every viewer header (Authorization too), not the CloudFront Host.
    expect(api?.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
  });

  it('serves the page at /console and /console/ too (issue 26): a viewer-request function rewrites both to the index', () => {
    const fn = one(s, 'AWS::CloudFront::Function') as { FunctionCode: string; FunctionConfig: { Runtime: string } };
    expect(fn.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    // Run the function's code as CloudFront would, on the three addresses.
    const handler = new Function(`${fn.FunctionCode}; return handler;`)() as (e: { request: { uri: string } }) => { uri: string };
    expect(['/console', '/console/', '/console/assets/x.js'].map((uri) => handler({ request: { uri } }).uri)).toEqual([
      '/console/index.html',
      '/console/index.html',
      '/console/assets/x.js',
    ]);
    const dist = one(s, 'AWS::CloudFront::Distribution').DistributionConfig as { DefaultCacheBehavior: { FunctionAssociations: unknown[] } };
    expect(dist.DefaultCacheBehavior.FunctionAssociations).toEqual([expect.objectContaining({ EventType: 'viewer-request' })]);
  });

  it('lets administrators alone create users; MFA optional on staging; a public PKCE client with the code flow only', () => {
    const pool = one(s, 'AWS::Cognito::UserPool');
    expect(pool.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
    expect(pool.MfaConfiguration).toBe('OPTIONAL');
    const client = one(s, 'AWS::Cognito::UserPoolClient');
    expect(client.GenerateSecret).toBe(false);
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(true);
  });
});

describe('operator console stack (production) and without the console', () => {
  it('requires MFA in production', () => {
    const s = synthSuite({ console: 'true', stage: 'production' });
    expect(one(s, 'AWS::Cognito::UserPool').MfaConfiguration).toBe('ON');
  }, 240_000);

  it('creates nothing of the console unless asked (-c console=true)', () => {
    const s = synthSuite();
    for (const type of ['AWS::Cognito::UserPool', 'AWS::CloudFront::Distribution', 'AWS::ApiGatewayV2::Authorizer'])
      expect(ofType(s, type), type).toHaveLength(0);
  }, 240_000);
});
