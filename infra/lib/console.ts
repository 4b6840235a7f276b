import { Aws, CfnOutput, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { consoleCsp, consoleSecurityHeaders } from '../../console/security.js';
import type { SuiteApi } from './api.js';
import type { SuiteConfig } from './config.js';
import type { SuiteFunction } from './suite-function.js';

/** The path prefix of the console's copy of the operator routes (ASSUMPTIONS.md O1). */
export const CONSOLE_API_PREFIX = '/console-api';
/** Where the site sits in its bucket and under the distribution: Vite builds it with this base (local/console-site.ts). */
export const CONSOLE_KEY_PREFIX = 'console/';

export interface OperatorConsoleProps {
  config: SuiteConfig;
  api: SuiteApi;
  /** The functions of the suite; those serving an `/operations/*` route get a console route with the JWT authorizer. */
  functions: readonly SuiteFunction[];
  /** The built console (Vite output: index.html, assets/). */
  siteDir: string;
}

/** Operator routes: served by an operation function at a path under `/operations/`. */
export function isOperatorFunction(f: Pick<SuiteFunction, 'spec'>): boolean {
  return f.spec.kind === 'operation' && f.spec.operation.route.path.startsWith('/operations/');
}

/**
 * The operator console in AWS (`-c console=true`), issue 18.
 *
 * Auth design (ASSUMPTIONS.md O1): the `/operations/*` routes keep their authorizer (IAM by default), so
 * programs and the `p100` CLI sign with SigV4 as before; the console gets a second route set, the same
 * functions at `/console-api/operations/*`, each with a JWT authorizer that accepts only this user pool's
 * tokens for this app client. Company routes are untouched. CloudFront serves the site and forwards
 * `/console-api/*` to the HTTP API, so the page calls its own origin (no CORS on the API, CSP
 * `connect-src 'self'` plus the Cognito domain for the token exchange).
 *
 * Default settings:
 * | setting | value |
 * |---|---|
 * | site bucket | private (all public access blocked), SSE-S3, TLS only, ACLs disabled; read by CloudFront through origin access control only |
 * | distribution | HTTPS only (redirect), HTTP/2 and 3, default root object `console/index.html`, response headers policy with the strict CSP of console/security.ts, HSTS 2 years |
 * | `/console-api/*` | to the HTTP API, caching disabled, all viewer headers but Host forwarded (the Authorization header reaches the authorizer) |
 * | user pool | no self sign-up (administrators create users), e-mail sign-in, MFA required in production (TOTP), optional on staging, 12-character passwords with every class, retained in production |
 * | app client | public (no secret), authorization code with PKCE, scopes openid + email, access tokens valid 1 h |
 */
export class OperatorConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly authorizer: apigwv2.IHttpRouteAuthorizer;
  readonly routes: apigwv2.HttpRoute[] = [];

  constructor(scope: Construct, id: string, props: OperatorConsoleProps) {
    super(scope, id);
    const { config } = props;
    const production = config.stage === 'production';
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.bucket = new s3.Bucket(this, 'SiteBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the public build of the console (no data); every read goes through CloudFront, and every action an operator takes is an API call recorded in the API access log.',
    });

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `${config.prefix}-operators`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      mfa: production ? cognito.Mfa.REQUIRED : cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: production,
      removalPolicy,
    });
    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason: 'MFA is required in production (context stage=production); staging keeps it optional so test operators can be created by scripts.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason: 'The Plus feature plan (threat protection) costs per user; a few administrator-created operators with MFA in production do not need it.',
      },
      {
        id: 'AwsSolutions-COG3',
        reason:
          'Threat protection (advanced security) needs the Plus feature plan; the pool has no self sign-up, a handful of administrator-created users, and MFA in production.',
      },
    );

    const s3Origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    // The API's host name: `https://<id>.execute-api.<region>.amazonaws.com` without its scheme.
    const apiDomain = Fn.select(2, Fn.split('/', props.api.httpApi.apiEndpoint));
    const cognitoDomainPrefix = config.consoleDomainPrefix ?? `${config.prefix}-console-${Aws.ACCOUNT_ID}`;
    const cognitoHost = `${cognitoDomainPrefix}.auth.${Aws.REGION}.amazoncognito.com`;

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'P100 operator console: strict CSP and security headers (console/security.ts)',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleCsp({ connect: [`https://${cognitoHost}`], httpsOnly: true }), override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: false, override: true },
      },
      customHeadersBehavior: {
        customHeaders: ['permissions-policy', 'cross-origin-opener-policy'].map((header) => ({
          header,
          value: consoleSecurityHeaders[header] as string,
          override: true,
        })),
      },
    });

    // `/console` and `/console/` (the address people type, issue 26) are the page too: the bucket has no such
    // key, so a viewer-request function rewrites them to the index before the origin is asked.
    const consoleIndex = new cloudfront.Function(this, 'ConsoleIndex', {
      comment: 'P100 operator console: /console and /console/ serve console/index.html',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        `function handler(event) { var r = event.request; if (r.uri === '/${CONSOLE_KEY_PREFIX.slice(0, -1)}' || r.uri === '/${CONSOLE_KEY_PREFIX}') r.uri = '/${CONSOLE_KEY_PREFIX}index.html'; return r; }`,
      ),
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `P100 operator console (${config.stage})`,
      defaultRootObject: `${CONSOLE_KEY_PREFIX}index.html`,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: s3Origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        functionAssociations: [{ function: consoleIndex, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        [`${CONSOLE_API_PREFIX}/*`]: {
          origin: new origins.HttpOrigin(apiDomain, { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        },
      },
    });
    Validations.of(this.distribution).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'Operators are on call wherever they are; sign-in (MFA in production) is the gate, not geography.' },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The site is static and public by design; every data route behind /console-api needs a Cognito JWT checked by API Gateway, which also throttles. A WAF can be attached by the operator where policy asks for one.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'Standard CloudFront logs need an ACL-enabled bucket; every data access is an API call, logged by the API access log with the route and status.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason: 'The default *.cloudfront.net certificate allows no minimum TLS setting; a custom domain with its own certificate sets TLSv1.2_2021.',
      },
    );

    const domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: cognitoDomainPrefix } });
    const siteUrl = `https://${this.distribution.distributionDomainName}/`;
    this.client = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: `${config.prefix}-console`,
      generateSecret: false,
      authFlows: {},
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [siteUrl],
        logoutUrls: [siteUrl],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
    });

    // The JWT authorizer lives with the API (parent stack); routes in the function stacks refer to it by id.
    const jwt = new apigwv2.HttpAuthorizer(this, 'JwtAuthorizer', {
      httpApi: props.api.httpApi,
      type: apigwv2.HttpAuthorizerType.JWT,
      authorizerName: `${config.prefix}-console-operators`,
      identitySource: ['$request.header.Authorization'],
      jwtIssuer: `https://cognito-idp.${Aws.REGION}.amazonaws.com/${this.userPool.userPoolId}`,
      jwtAudience: [this.client.userPoolClientId],
    });
    this.authorizer = apigwv2.HttpAuthorizer.fromHttpAuthorizerAttributes(this, 'JwtAuthorizerRef', {
      authorizerId: jwt.authorizerId,
      authorizerType: 'JWT',
    });
    for (const f of props.functions.filter(isOperatorFunction)) {
      if (f.spec.kind !== 'operation') continue;
      const { method, path } = f.spec.operation.route;
      // In the function's own (nested) stack, beside its IAM route, like every other route.
      const route = new apigwv2.HttpRoute(f, 'ConsoleRoute', {
        httpApi: props.api.httpApi,
        routeKey: apigwv2.HttpRouteKey.with(`${CONSOLE_API_PREFIX}${path}`, apigwv2.HttpMethod[method]),
        integration: new HttpLambdaIntegration('ConsoleIntegration', f.fn, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 }),
        authorizer: this.authorizer,
      });
      this.routes.push(route);
    }

    const deployment = new s3deploy.BucketDeployment(this, 'Site', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: CONSOLE_KEY_PREFIX,
      sources: [
        s3deploy.Source.asset(props.siteDir),
        // What the page reads first (console/src/config.ts): resolved at deploy time.
        s3deploy.Source.jsonData('config.json', {
          apiBase: CONSOLE_API_PREFIX,
          stage: config.stage,
          auth: { mode: 'cognito', domain: cognitoHost, clientId: this.client.userPoolClientId },
          // Where the dead-letter advice links (issue 26): only an https:// runbook (`-c runbookUrl`), never the relative default.
          ...(config.runbookUrl.startsWith('https://') ? { runbookUrl: config.runbookUrl } : {}),
        }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
    });
    deployment.node.addDependency(domain);
    this.#acknowledgeDeployment();

    new CfnOutput(this, 'ConsoleUrl', { value: siteUrl, description: 'The operator console (sign in with a user of the operator pool)' });
    new CfnOutput(this, 'OperatorUserPoolId', {
      value: this.userPool.userPoolId,
      description: 'Create operators with: aws cognito-idp admin-create-user --user-pool-id <this> --username <e-mail>',
    });
  }

  /** The BucketDeployment's provider function (a CDK singleton in this stack): what cdk-nag reports on it, and why it stays. */
  #acknowledgeDeployment(): void {
    const stack = Stack.of(this);
    const reasons: Array<{ id: string; reason: string }> = [
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'CDK BucketDeployment provider: AWSLambdaBasicExecutionRole for its own logs, created and owned by CDK.',
      },
      ...['Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*', 'Action::s3:Abort*', 'Action::s3:DeleteObject*'].map((what) => ({
        id: `AwsSolutions-IAM5[${what}]`,
        reason: 'CDK BucketDeployment provider: the S3 read/sync action groups CDK grants on the asset bucket and the console bucket only.',
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        reason: 'CDK BucketDeployment provider: reads the console build from the CDK bootstrap asset bucket.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
        reason: 'CDK BucketDeployment provider: writes and prunes the objects of the console bucket (its whole content is the build).',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'CDK BucketDeployment provider: cloudfront:CreateInvalidation/GetInvalidation, which support no resource-level permission.',
      },
      { id: 'AwsSolutions-L1', reason: 'CDK BucketDeployment provider: CDK pins its runtime; it runs only during deployments.' },
      { id: 'Serverless-LambdaDLQ', reason: 'CDK BucketDeployment provider: a CloudFormation custom resource; CloudFormation reports its failure.' },
      { id: 'Serverless-LambdaDefaultMemorySize', reason: 'CDK BucketDeployment provider: memory set to 256 MB for the copy.' },
      { id: 'Serverless-LambdaLatestVersion', reason: 'CDK BucketDeployment provider: CDK pins its runtime.' },
      { id: 'Serverless-LambdaTracing', reason: 'CDK BucketDeployment provider: runs only during deployments; CloudFormation events trace it.' },
      { id: 'Serverless-LambdaAsyncFailureDestination', reason: 'CDK BucketDeployment provider: invoked synchronously by CloudFormation.' },
    ];
    for (const child of stack.node.children) {
      if (child.node.id.startsWith('Custom::CDKBucketDeployment')) Validations.of(child).acknowledge(...reasons);
    }
  }
}
