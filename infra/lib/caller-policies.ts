import { ArnFormat, CfnOutput, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { operations } from '../../shared/catalog/index.js';
import type { SuiteConfig } from './config.js';
import { openApiPath } from './inventory.js';

/** One IAM-authorized route: `GET /users/{externalUserId}/balances`. */
export interface CallerRoute {
  method: string;
  path: string;
}

/** Operator routes live under this prefix (area `operations`); nothing else does. */
export const operatorPathPrefix = '/operations/';

/**
 * Which caller may invoke which route, from the catalog: the company app every operation route outside
 * `/operations/`, the operator only those under it; both read `GET /openapi.json` (the document
 * describes the API, no data). Webhook routes are not IAM-authorized, so neither policy names them.
 */
export function callerRoutes(): { companyApp: CallerRoute[]; operator: CallerRoute[] } {
  const routes = operations.map((o) => ({ method: o.route.method, path: o.route.path }));
  const document: CallerRoute = { method: 'GET', path: openApiPath };
  return {
    companyApp: [...routes.filter((r) => !r.path.startsWith(operatorPathPrefix)), document],
    operator: [...routes.filter((r) => r.path.startsWith(operatorPathPrefix)), document],
  };
}

/**
 * The `execute-api` resource of a route: `<api>/<stage>/<METHOD>/<path>` with the stage and each
 * `{parameter}` as `*` (IAM matches the request path, with the parameter's value in it). The API has one stage
 * (`$default`), so this grants nothing more and does not depend on how `$default` is spelled in the ARN.
 */
export function routeResourcePath(route: CallerRoute): string {
  return `*/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`;
}

/**
 * Two customer-managed policies (outputs `CompanyAppPolicyArn`, `OperatorPolicyArn`) to attach to the
 * company application's role and to the operators' role: with IAM authorization, one authorizer serves
 * every route, and the caller's policy is what separates an app from an operator.
 */
export class CallerPolicies extends Construct {
  readonly companyApp: iam.ManagedPolicy;
  readonly operator: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: { config: SuiteConfig; httpApi: apigwv2.HttpApi }) {
    super(scope, id);
    const { config, httpApi } = props;
    const stack = Stack.of(this);
    const routes = callerRoutes();
    const arnOf = (route: CallerRoute): string =>
      stack.formatArn({ service: 'execute-api', resource: httpApi.apiId, resourceName: routeResourcePath(route), arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const apiLogicalId = stack.getLogicalId(httpApi.node.defaultChild as CfnElement);

    const policy = (name: string, suffix: string, description: string, list: CallerRoute[]): iam.ManagedPolicy => {
      const p = new iam.ManagedPolicy(this, name, {
        managedPolicyName: `${config.prefix}-${suffix}`,
        description,
        statements: [new iam.PolicyStatement({ sid: 'InvokeRoutes', actions: ['execute-api:Invoke'], resources: list.map(arnOf) })],
      });
      // Each resource is one route and method of this API; its wildcards are the one stage and the path parameters.
      Validations.of(p).acknowledge(
        ...list.map((r) => ({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiLogicalId}>/${routeResourcePath(r)}]`,
          reason: `${r.method} ${r.path} of this API only: the first * is its single stage ($default), any other stands for a path parameter (user, card, transfer id...).`,
        })),
      );
      return p;
    };
    this.companyApp = policy(
      'CompanyAppPolicy',
      'company-app',
      'Attach to the company application: invoke every P100 operation route, never /operations/*.',
      routes.companyApp,
    );
    this.operator = policy(
      'OperatorPolicy',
      'operator',
      'Attach to operators: invoke the /operations/* routes (inbox, replays, reconciliation) only.',
      routes.operator,
    );

    new CfnOutput(scope, 'CompanyAppPolicyArn', {
      value: this.companyApp.managedPolicyArn,
      description: 'Managed policy for the company application (operation routes)',
    });
    new CfnOutput(scope, 'OperatorPolicyArn', { value: this.operator.managedPolicyArn, description: 'Managed policy for operators (/operations/* routes)' });
  }
}
