import { App, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readConfig, type SuiteConfig } from './config.js';
import { featureFlags } from './flags.js';
import { SuiteStack, type CodeSource } from './suite-stack.js';
import { suiteStackName } from '../../shared/config/constants.js';

export interface CreateAppOptions {
  code: CodeSource;
  /** CDK context (tests); the CLI passes `-c` values and cdk.json through the environment instead. */
  context?: Record<string, unknown>;
  outdir?: string;
  /** Run the cdk-nag packs as validation plugins (default true: every synth is checked). */
  nag?: boolean;
  /**
   * CDK's built-in CloudFormation template validation (default true; its findings are errors, see
   * flags.ts). Tests that only read templates turn it off: it is most of the synth time.
   */
  cfnValidation?: boolean;
}

export interface SuiteApp {
  app: App;
  stack: SuiteStack;
  config: SuiteConfig;
  nagPacks: (AwsSolutionsChecks | ServerlessChecks)[];
}

/** Account/region only when given by context (`-c account=... -c region=...`): synth stays offline and env-agnostic. */
function envFrom(app: App): Environment | undefined {
  const account = app.node.tryGetContext('account') as string | undefined;
  const region = app.node.tryGetContext('region') as string | undefined;
  return account || region ? { account, region } : undefined;
}

/** The stack of a stage (shared/config/constants.ts, where the `p100 --stage` command finds it too). */
export { suiteStackName };

/** Builds the suite app: one stack `P100Suite-<stage>`, checked by cdk-nag (AwsSolutions + Serverless). */
export function createApp(options: CreateAppOptions): SuiteApp {
  const app = new App({
    outdir: options.outdir,
    builtinCloudFormationValidation: options.cfnValidation ?? true,
    context: { ...featureFlags, ...(options.context ?? {}) },
  });
  const config = readConfig(app.node);
  const stack = new SuiteStack(app, suiteStackName(config.stage), {
    config,
    code: options.code,
    env: envFrom(app),
    description: `P100 partner suite (${config.stage}): API, functions, webhooks, reconciliation`,
    tags: { project: 'p100-partner-suite', stage: config.stage },
  });
  const nagPacks = options.nag === false ? [] : [new AwsSolutionsChecks(app), new ServerlessChecks(app)];
  if (nagPacks.length > 0) Validations.of(app).addPlugins(...nagPacks);
  return { app, stack, config, nagPacks };
}
