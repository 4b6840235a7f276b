import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { reservedConcurrencyFor } from './access.js';
import { SuiteApi } from './api.js';
import { CallerPolicies } from './caller-policies.js';
import { InvalidContextError, minimumUnreservedConcurrency, type SuiteConfig } from './config.js';
import { SuiteCore } from './core.js';
import { DeveloperFeed, developerFeedEnabled } from './developer-feed.js';
import { FunctionGroupStack } from './function-group-stack.js';
import { functionSpecs, type FunctionSpec } from './inventory.js';
import { SuiteMonitoring } from './monitoring.js';
import { OperatorConsole } from './console.js';

/** Where function and layer code comes from: the prebuilt `dist/` for real synths, placeholders in tests. */
export interface CodeSource {
  functionCode(name: string): lambda.Code;
  layerCode(): lambda.Code;
  /** The AWS SDK layer (`nodejs/node_modules/@aws-sdk/*`) the client layer's bare imports resolve to. */
  sdkLayerCode(): lambda.Code;
  /** The built operator console (a directory with index.html), for stacks with `-c console=true`. */
  consoleSiteDir?(): string;
}

export interface SuiteStackProps extends StackProps {
  config: SuiteConfig;
  code: CodeSource;
}

/** Nested stack id of a function: one per operation area, one for the webhooks, one for the jobs. */
export function groupOf(spec: FunctionSpec): string {
  switch (spec.kind) {
    case 'operation':
      return `Operations${spec.operation.area.charAt(0).toUpperCase()}${spec.operation.area.slice(1)}`;
    case 'openApi':
      return 'OperationsOperations';
    case 'webhook':
    case 'webhookHealth':
      return 'Webhooks';
    case 'job':
      return 'Jobs';
  }
}

/**
 * The whole suite as one deployable stack (`npx cdk deploy`): the stateful core, API and monitoring
 * here; functions with their routes and triggers in nested stacks grouped by {@link groupOf}.
 */
export class SuiteStack extends Stack {
  readonly core: SuiteCore;
  readonly api: SuiteApi;
  readonly groups: FunctionGroupStack[] = [];
  readonly console: OperatorConsole | undefined;

  constructor(scope: Construct, id: string, props: SuiteStackProps) {
    super(scope, id, props);
    const { config, code } = props;
    this.core = new SuiteCore(this, 'Core', { config, layerCode: code.layerCode(), sdkLayerCode: code.sdkLayerCode() });
    this.api = new SuiteApi(this, 'Api', { config, logsKey: this.core.logsKey });
    new SuiteMonitoring(this, 'Monitoring', { config, core: this.core, api: this.api });

    const specs = functionSpecs();
    checkReservations(config, specs);
    const groups = new Map<string, FunctionSpec[]>();
    for (const spec of specs) {
      const g = groupOf(spec);
      groups.set(g, [...(groups.get(g) ?? []), spec]);
    }
    for (const [groupId, specs] of groups) {
      this.groups.push(
        new FunctionGroupStack(this, groupId, {
          description: `P100 suite (${config.stage}): ${specs.length} functions of ${groupId}`,
          specs,
          config,
          core: this.core,
          api: this.api,
          codeFor: (name) => code.functionCode(name),
        }),
      );
    }

    // The stage's route settings name the webhook routes, which must exist first.
    for (const g of this.groups.filter((x) => x.node.id === 'Webhooks')) this.api.stage.node.addDependency(g);
    if (config.console) {
      if (!code.consoleSiteDir) throw new Error('-c console=true needs the built console: run `npm run build` (it builds console/ into dist/console)');
      const functions = this.groups.flatMap((g) => g.functions);
      this.console = new OperatorConsole(this, 'Console', { config, api: this.api, functions, siteDir: code.consoleSiteDir() });
    }
    if (this.api.authorizationType === 'AWS_IAM') new CallerPolicies(this, 'CallerPolicies', { config, httpApi: this.api.httpApi });

    new CfnOutput(this, 'ApiKeySecretName', { value: this.core.apiKeySecret.secretName, description: 'Store the P100 API key here after the first deploy' });
    new CfnOutput(this, 'WebhookTokenSecretName', {
      value: this.core.webhookTokenSecret.secretName,
      description: 'Store the webhook token agreed with P100 here',
    });
    new CfnOutput(this, 'DataKeySecretName', {
      value: this.core.dataKeySecret.secretName,
      description: 'The generated data key (HMAC and seal root); rotate only as infra/README.md "Data key" says',
    });
    new CfnOutput(this, 'EventBusName', { value: this.core.bus.eventBusName, description: 'Subscribe company systems to this bus' });
    new CfnOutput(this, 'UploadBucketName', { value: this.core.uploadBucket.bucketName });
    // Opt-in copy of every published event for `p100 listen --stage` (infra/lib/developer-feed.ts).
    if (developerFeedEnabled(this.node)) new DeveloperFeed(this, 'DeveloperFeed', { bus: this.core.bus, prefix: config.prefix });
  }
}

/**
 * Lambda refuses a reservation that leaves fewer than 100 unreserved executions in the account (the
 * deploy would fail half-way); refuse it at synth, naming the total.
 */
export function checkReservations(config: SuiteConfig, specs: readonly FunctionSpec[]): number {
  const total = specs.reduce((sum, spec) => sum + (reservedConcurrencyFor(spec, config.reservedConcurrency) ?? 0), 0);
  if (config.accountConcurrency - total < minimumUnreservedConcurrency) {
    throw new InvalidContextError(
      'accountConcurrency',
      `(${config.accountConcurrency}) minus the reserved concurrency (${total}) leaves fewer than ${minimumUnreservedConcurrency} unreserved executions; lower the *Concurrency settings or raise the quota`,
    );
  }
  return total;
}
