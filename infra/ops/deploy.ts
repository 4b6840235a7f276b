/**
 * `npm run deploy -- --stage <staging|production> [--region <r>] [-c key=value ...] [--yes] [--preflight-only]`
 *
 * 1. the context, checked offline as the app will read it (cdk.json + `-c`);
 * 2. `npm run build` and `cdk synth` into cdk.out (cdk-nag runs);
 * 3. the preflight against the account (preflight.ts): credentials, region, the bootstrap stack and the
 *    version this assembly needs, the stage's stack state; nothing is deployed when one fails;
 * 4. `cdk deploy --app cdk.out` of exactly that assembly, to the region checked;
 * 5. what to do next (fill the two secrets, register with P100, smoke test).
 *
 * Exit code: 0 deployed (or preflight passed with --preflight-only), 1 a check or a command failed, 2 usage.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { STSClient } from '@aws-sdk/client-sts';
import { repoRoot } from '../build.js';
import { suiteStackName } from '../lib/app.js';
import { cloudFormationStacks, stsIdentity } from './aws.js';
import { checkContext, preflight, requiredBootstrapVersion, type PreflightDeps } from './preflight.js';
import { formatResults } from './report.js';

export interface DeployDeps {
  /** Runs a command in the repository with extra environment; resolves to its exit code. */
  run(command: string, args: readonly string[], env: Record<string, string>): Promise<number>;
  /** The AWS readers for a region. */
  aws(region: string): PreflightDeps;
  /** The region the SDK would use (profile), when neither --region nor AWS_REGION says. */
  defaultRegion(): Promise<string | undefined>;
  /** cdk.json's context. */
  cdkContext(): Record<string, unknown>;
  /** The synthesized cdk.out/manifest.json. */
  readManifest(): unknown;
  out(line: string): void;
}

const usage =
  'usage: npm run deploy -- --stage <staging|production> [--region <region>] [-c key=value ...] [--toolkit-stack-name <name>] [--yes] [--preflight-only]';

/** `-c key=value` pairs (the CDK CLI's own syntax); values stay strings, as the CLI passes them. */
export function contextPairs(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new Error(`-c ${v}: expected key=value`);
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}

export async function deployMain(argv: string[], deps: DeployDeps): Promise<number> {
  let values: { stage?: string; region?: string; context: string[]; yes: boolean; preflightOnly: boolean; toolkit: string };
  let extra: Record<string, string>;
  try {
    const a = parseArgs({
      args: argv,
      options: {
        stage: { type: 'string' },
        region: { type: 'string' },
        context: { type: 'string', short: 'c', multiple: true, default: [] },
        yes: { type: 'boolean', default: false },
        'preflight-only': { type: 'boolean', default: false },
        'toolkit-stack-name': { type: 'string', default: 'CDKToolkit' },
      },
      strict: true,
    }).values;
    values = {
      ...(a.stage ? { stage: a.stage } : {}),
      ...(a.region ? { region: a.region } : {}),
      context: a.context ?? [],
      yes: a.yes ?? false,
      preflightOnly: a['preflight-only'] ?? false,
      toolkit: a['toolkit-stack-name'] ?? 'CDKToolkit',
    };
    extra = contextPairs(values.context);
    if (!values.stage) throw new Error('--stage is required');
    if (extra.stage && extra.stage !== values.stage) throw new Error(`--stage ${values.stage} and -c stage=${extra.stage} disagree`);
  } catch (e) {
    deps.out(`${e instanceof Error ? e.message : String(e)}\n${usage}`);
    return 2;
  }
  const stage = values.stage as string;
  const context = { ...deps.cdkContext(), ...extra, stage };

  // 1. Offline first: a typo in -c costs no build and no AWS call.
  const ctx = checkContext(stage, context);
  if (!ctx.result.ok) {
    for (const l of formatResults([ctx.result])) deps.out(l);
    return 1;
  }
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? (await deps.defaultRegion());
  const env: Record<string, string> = region ? { AWS_REGION: region, AWS_DEFAULT_REGION: region } : {};
  const cdkArgs = [...Object.entries(extra).flatMap(([k, v]) => ['-c', `${k}=${v}`]), '-c', `stage=${stage}`];

  // 2. Build and synthesize once; the deploy below uses exactly this assembly.
  deps.out('building the functions and layers (npm run build) ...');
  if ((await deps.run('npm', ['run', 'build'], env)) !== 0) return 1;
  deps.out('synthesizing (cdk synth, cdk-nag on) ...');
  if ((await deps.run('npx', ['cdk', 'synth', '--quiet', ...cdkArgs], env)) !== 0) return 1;

  // 3. Preflight against the account.
  const stackName = suiteStackName(stage);
  let required: number;
  try {
    required = requiredBootstrapVersion(deps.readManifest());
  } catch (e) {
    deps.out(e instanceof Error ? e.message : String(e));
    return 1;
  }
  const results = await preflight(
    { stage, context, region, requiredBootstrapVersion: required, toolkitStackName: values.toolkit, stackName },
    region
      ? deps.aws(region)
      : { identity: { callerIdentity: () => Promise.reject(new Error('no region')) }, stacks: { describeStack: async () => undefined } },
  );
  for (const l of formatResults(results)) deps.out(l);
  if (results.some((r) => !r.ok)) return 1;
  if (values.preflightOnly) return 0;

  // 4. Deploy that assembly. Production asks before IAM or security-group changes unless --yes.
  const approval = values.yes ? 'never' : 'broadening';
  const toolkit = values.toolkit !== 'CDKToolkit' ? ['--toolkit-stack-name', values.toolkit] : [];
  const code = await deps.run('npx', ['cdk', 'deploy', stackName, '--app', 'cdk.out', '--require-approval', approval, ...toolkit], env);
  if (code !== 0) {
    deps.out('deploy failed: CloudFormation rolled the stack back to the last good state; read the stack events (README "Upgrades, rollback, teardown")');
    return 1;
  }

  // 5. Next steps, in the order a newcomer needs them (README "Deploy").
  deps.out(`deployed ${stackName}. Next (README "Deploy"):
  1. fill the two secrets (outputs ApiKeySecretName, WebhookTokenSecretName) with aws secretsmanager put-secret-value
  2. give P100 the webhook URLs (output ApiUrl + the /webhook/... paths)${ctx.config?.staticEgress ? ' and output StaticEgressIp for its allow-list' : ''}
  3. npm run smoke -- --stage ${stage}${region ? ` --region ${region}` : ''}`);
  return 0;
}

/** The real commands, clients and files. */
export function defaultDeployDeps(): DeployDeps {
  return {
    run: (command, args, env) =>
      new Promise((resolve) => {
        const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...env } });
        child.on('exit', (code) => resolve(code ?? 1));
        child.on('error', () => resolve(1));
      }),
    aws: (region) => ({ identity: stsIdentity(new STSClient({ region })), stacks: cloudFormationStacks(new CloudFormationClient({ region })) }),
    defaultRegion: async () => {
      try {
        return await new STSClient({}).config.region();
      } catch {
        return undefined;
      }
    },
    cdkContext: () => (JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> }).context ?? {},
    readManifest: () => JSON.parse(readFileSync(path.join(repoRoot, 'cdk.out', 'manifest.json'), 'utf8')) as unknown,
    out: (line) => console.log(line),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // The SDK warns that Node 20 loses support in 2027 on every client it builds; noise in a command's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await deployMain(process.argv.slice(2), defaultDeployDeps());
}
