import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
// AccessLogFormat lives in aws-apigateway and serves both API flavours.
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { webhookHealthPath, webhooks } from '../../shared/webhooks/catalog.js';
import type { SuiteConfig } from './config.js';

/**
 * The company-facing HTTP API: one `$default` stage with JSON access logs (encrypted with the logs
 * key), default route throttling for the company routes and a tighter one on every webhook route.
 * Routes are added next to their functions (function stacks), each with
 * {@link SuiteApi.operationAuthorizer} (IAM, or JWT when configured) or none (webhooks).
 */
export class SuiteApi extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogs: logs.LogGroup;
  /** The authorizer of every operation route: IAM (SigV4) by default, JWT when jwtIssuer/jwtAudience are set. */
  readonly operationAuthorizer: apigwv2.IHttpRouteAuthorizer;
  readonly authorizationType: 'AWS_IAM' | 'JWT';

  constructor(scope: Construct, id: string, props: { config: SuiteConfig; logsKey: kms.IKey }) {
    super(scope, id);
    const { config } = props;
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `${config.prefix}-api`,
      description: 'P100 partner suite: company-facing operations (IAM/JWT) and P100 webhooks',
      createDefaultStage: false,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      // Under the suite's prefix: the logs key lets CloudWatch Logs encrypt `/<prefix>/*` groups only.
      logGroupName: `/${config.prefix}/api-access`,
      retention: config.logRetentionDays,
      encryptionKey: props.logsKey,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: config.apiThrottle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: accessLogFormat,
      },
    });
    // Per-route settings (the L2 stage has none): webhook routes get their own, tighter limits. A route
    // key must exist before the stage names it; SuiteStack makes the stage depend on the webhook stack.
    const webhookRouteSettings = Object.fromEntries(
      webhookRouteKeys(config).map((key) => [
        key,
        { ThrottlingRateLimit: config.webhookThrottle.rateLimit, ThrottlingBurstLimit: config.webhookThrottle.burstLimit },
      ]),
    );
    (this.stage.node.defaultChild as apigwv2.CfnStage).addPropertyOverride('RouteSettings', webhookRouteSettings);

    if (config.jwt) {
      const authorizer = new apigwv2.HttpAuthorizer(this, 'JwtAuthorizer', {
        httpApi: this.httpApi,
        type: apigwv2.HttpAuthorizerType.JWT,
        identitySource: ['$request.header.Authorization'],
        jwtIssuer: config.jwt.issuer,
        jwtAudience: config.jwt.audience,
      });
      this.operationAuthorizer = apigwv2.HttpAuthorizer.fromHttpAuthorizerAttributes(this, 'JwtAuthorizerRef', {
        authorizerId: authorizer.authorizerId,
        authorizerType: 'JWT',
      });
      this.authorizationType = 'JWT';
    } else {
      this.operationAuthorizer = new HttpIamAuthorizer();
      this.authorizationType = 'AWS_IAM';
    }

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.apiEndpoint, description: 'Base URL of the suite API (operations and webhooks)' });
  }
}

/** Route keys of the webhook receivers (paths as deployed, overrides applied) and of the health probe. */
export function webhookRouteKeys(config: Pick<SuiteConfig, 'webhookPathOverrides'>): string[] {
  return [...webhooks.map((w) => `POST ${config.webhookPathOverrides[w.name] ?? w.path}`), `GET ${webhookHealthPath}`, `HEAD ${webhookHealthPath}`];
}

/** Structured (JSON) access log line: who, what, how long, and why it failed. */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    caller: '$context.identity.caller',
    user: '$context.identity.user',
    requestTime: '$context.requestTime',
    httpMethod: '$context.httpMethod',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);
