import { Duration, NestedStack, Validations, type NestedStackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';

import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import type { SuiteApi } from './api.js';
import type { SuiteConfig } from './config.js';
import { ContractCanary } from './contract-canary.js';
import type { SuiteCore } from './core.js';
import { functionRoutes, type FunctionSpec } from './inventory.js';
import { SuiteFunction } from './suite-function.js';

export interface FunctionGroupStackProps extends NestedStackProps {
  specs: readonly FunctionSpec[];
  config: SuiteConfig;
  core: SuiteCore;
  api: SuiteApi;
  codeFor: (name: string) => lambda.Code;
}

/**
 * A nested stack holding one group of functions (an operation area, the webhooks, the jobs) with
 * their routes and triggers. Groups keep every template far below CloudFormation's 500 resources.
 */
export class FunctionGroupStack extends NestedStack {
  readonly functions: SuiteFunction[] = [];

  constructor(scope: Construct, id: string, props: FunctionGroupStackProps) {
    super(scope, id, props);
    for (const spec of props.specs) {
      const f = new SuiteFunction(this, spec.name, { spec, config: props.config, core: props.core, code: props.codeFor(spec.name) });
      this.functions.push(f);
      this.#wire(f, props);
    }
  }

  #wire(f: SuiteFunction, props: FunctionGroupStackProps): void {
    const { spec } = f;
    // One integration per function, shared by its routes (health answers GET and HEAD).
    const integration = new HttpLambdaIntegration('Integration', f.fn, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 });
    const route = (method: apigwv2.HttpMethod, path: string, authorizer: apigwv2.IHttpRouteAuthorizer, id = 'Route'): apigwv2.HttpRoute =>
      new apigwv2.HttpRoute(f, id, {
        httpApi: props.api.httpApi,
        routeKey: apigwv2.HttpRouteKey.with(path, method),
        integration,
        authorizer,
      });

    switch (spec.kind) {
      case 'operation':
        route(apigwv2.HttpMethod[spec.operation.route.method], spec.operation.route.path, props.api.operationAuthorizer);
        return;
      case 'webhook': {
        const path = props.config.webhookPathOverrides[spec.webhook.name] ?? spec.webhook.path;
        const r = route(apigwv2.HttpMethod.POST, path, new apigwv2.HttpNoneAuthorizer());
        Validations.of(r).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'P100 delivers webhooks and cannot sign SigV4 or obtain a JWT; the receiver verifies the Authorization token from Secrets Manager in constant time and answers 401 before storing anything.',
        });
        return;
      }
      case 'webhookHealth': {
        // webhooks.md: "implement GET (and HEAD)"; the handler answers HEAD without a body.
        // The methods come from the one function list (shared/functions.ts), as the local gateway's do; the
        // first keeps the construct id 'Route', the others '<Method>Route' ('HeadRoute'), so ids stay stable.
        const routes = functionRoutes(spec).map((r, i) =>
          route(
            apigwv2.HttpMethod[r.method],
            r.path,
            new apigwv2.HttpNoneAuthorizer(),
            i === 0 ? 'Route' : `${r.method.charAt(0)}${r.method.slice(1).toLowerCase()}Route`,
          ),
        );
        for (const r of routes) {
          Validations.of(r).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: 'Public liveness probe for P100 (documented in their FAQ); it returns a constant and touches no data or secret.',
          });
        }
        return;
      }
      case 'openApi':
        // The document describes the operations; it is authorized like them (IAM or JWT).
        route(apigwv2.HttpMethod.GET, spec.path, props.api.operationAuthorizer);
        return;
      case 'job':
        switch (spec.job.trigger) {
          case 'webhook-queue':
            f.fn.addEventSource(
              new SqsEventSource(props.core.webhookQueue, {
                batchSize: 10,
                maxBatchingWindow: Duration.seconds(1),
                reportBatchItemFailures: true,
                maxConcurrency: consumerConcurrency(props.config.reservedConcurrency.webhookProcessor),
              }),
            );
            this.#ackSqsSource(f);
            return;
          case 'reconcile-queue':
            f.fn.addEventSource(
              new SqsEventSource(props.core.reconcileQueue, {
                batchSize: 5,
                reportBatchItemFailures: true,
                maxConcurrency: consumerConcurrency(props.config.reservedConcurrency.reconcileUsers),
              }),
            );
            this.#ackSqsSource(f);
            return;
          case 'schedule': {
            const role = new iam.Role(f, 'SchedulerRole', {
              assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
              description: `EventBridge Scheduler invokes ${spec.name}`,
            });
            new scheduler.Schedule(f, 'Schedule', {
              description: `Reconciliation every ${props.config.reconcileIntervalMinutes} minutes`,
              schedule: scheduler.ScheduleExpression.rate(Duration.minutes(props.config.reconcileIntervalMinutes)),
              target: new schedulerTargets.LambdaInvoke(f.fn, {
                input: scheduler.ScheduleTargetInput.fromObject({ source: 'schedule' }),
                retryAttempts: 2,
                maxEventAge: Duration.minutes(props.config.reconcileIntervalMinutes),
                role,
              }),
            });
            const fnLogicalId = this.getLogicalId(f.fn.node.defaultChild as lambda.CfnFunction);
            Validations.of(role).acknowledge({
              id: `AwsSolutions-IAM5[Resource::<${fnLogicalId}.Arn>:*]`,
              reason: 'The Scheduler Lambda target grants invoke on the function and its versions/aliases (`:*`); it is still this one function.',
            });
            return;
          }
          case 'contract-schedule':
            new ContractCanary(f, 'ContractCanary', {
              fn: f.fn,
              core: props.core,
              fnLogicalId: this.getLogicalId(f.fn.node.defaultChild as lambda.CfnFunction),
              config: props.config,
            });
            return;
        }
    }
  }

  #ackSqsSource(f: SuiteFunction): void {
    Validations.of(f).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings do not support on-failure destinations; failed messages (reported per item) return to the queue and move to its DLQ after 5 receives.',
    });
  }
}

/**
 * Maximum concurrency of an SQS event source: the consumer's reservation (none when unreserved). The
 * poller then never runs more batches than the function may run; otherwise throttled batches would go
 * back to the queue and count as receives towards the DLQ (maxReceiveCount 5).
 */
function consumerConcurrency(reserved: number): number | undefined {
  return reserved >= 2 ? reserved : undefined;
}
