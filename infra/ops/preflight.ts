import type { Node } from 'constructs';
import { readConfig, type SuiteConfig } from '../lib/config.js';
import { functionSpecs } from '../lib/inventory.js';
import { checkReservations } from '../lib/suite-stack.js';
import type { IdentityReader, StackReader } from './aws.js';
import type { CheckResult } from './report.js';

/**
 * What `npm run deploy` checks before CloudFormation is asked for anything, so a first deploy cannot fail
 * half-way for a reason known in advance: the context, the region, the credentials (and that they are the
 * account the context pins), the CDK bootstrap stack and its version, and the state of the stage's stack.
 */

export interface PreflightInput {
  stage: string;
  /** cdk.json's context with the `-c key=value` given on the command line over it. */
  context: Record<string, unknown>;
  region: string | undefined;
  /** The bootstrap version the synthesized assembly requires ({@link requiredBootstrapVersion}). */
  requiredBootstrapVersion: number;
  /** `CDKToolkit` unless bootstrapped under another name (`--toolkit-stack-name`). */
  toolkitStackName: string;
  /** The stage's stack (`P100Suite-<Stage>`). */
  stackName: string;
}

export interface PreflightDeps {
  identity: IdentityReader;
  stacks: StackReader;
}

/** A CDK context reader over a plain object (what `cdk.json` + `-c` amount to). */
function contextReader(context: Record<string, unknown>): Pick<Node, 'tryGetContext'> {
  return { tryGetContext: (key: string): unknown => context[key] };
}

/** Validates the context exactly as the app will (readConfig, reservations) without synthesizing. */
export function checkContext(stage: string, context: Record<string, unknown>): { result: CheckResult; config?: SuiteConfig } {
  const name = 'context';
  try {
    const config = readConfig(contextReader({ ...context, stage }));
    const reserved = checkReservations(config, functionSpecs());
    const detail = `stage ${config.stage}, P100 ${config.p100BaseUrl}, staticEgress ${config.staticEgress}, ${reserved} reserved executions`;
    return { result: { name, ok: true, detail }, config };
  } catch (e) {
    return {
      result: {
        name,
        ok: false,
        detail: e instanceof Error ? e.message : String(e),
        fix: 'correct the -c value (infra/README.md "Context" lists every key and its range)',
      },
    };
  }
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$/;

function checkRegion(input: PreflightInput): CheckResult {
  const name = 'region';
  const pinned = typeof input.context.region === 'string' ? input.context.region : undefined;
  if (!input.region)
    return { name, ok: false, detail: 'no region configured', fix: 'pass --region <region>, or set AWS_REGION, or a region in your AWS profile' };
  if (!REGION.test(input.region)) return { name, ok: false, detail: `"${input.region}" is not a region name`, fix: 'use a name like eu-central-1' };
  if (pinned && pinned !== input.region)
    return {
      name,
      ok: false,
      detail: `the context pins region ${pinned}, your credentials point at ${input.region}`,
      fix: `pass --region ${pinned} (or drop -c region)`,
    };
  return { name, ok: true, detail: input.region };
}

async function checkCredentials(input: PreflightInput, deps: PreflightDeps): Promise<{ result: CheckResult; account?: string }> {
  const name = 'credentials';
  try {
    const id = await deps.identity.callerIdentity();
    const pinned = typeof input.context.account === 'string' || typeof input.context.account === 'number' ? String(input.context.account) : undefined;
    if (pinned && pinned !== id.account)
      return {
        result: {
          name,
          ok: false,
          detail: `the context pins account ${pinned}, your credentials are for ${id.account}`,
          fix: 'switch profile (AWS_PROFILE=...) or drop -c account',
        },
      };
    return { result: { name, ok: true, detail: `account ${id.account} as ${id.arn}` }, account: id.account };
  } catch (e) {
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return {
      result: {
        name,
        ok: false,
        detail: `STS GetCallerIdentity failed (${what})`,
        fix: 'configure credentials: `aws configure sso` / `aws sso login --profile <p>` and AWS_PROFILE=<p>, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
      },
    };
  }
}

async function checkBootstrap(input: PreflightInput, deps: PreflightDeps, account: string | undefined): Promise<CheckResult> {
  const name = 'CDK bootstrap';
  const target = `aws://${account ?? '<account>'}/${input.region ?? '<region>'}`;
  const bootstrap = `npx cdk bootstrap ${target}${input.toolkitStackName !== 'CDKToolkit' ? ` --toolkit-stack-name ${input.toolkitStackName}` : ''}`;
  let stack: Awaited<ReturnType<StackReader['describeStack']>>;
  try {
    stack = await deps.stacks.describeStack(input.toolkitStackName);
  } catch (e) {
    return {
      name,
      ok: false,
      detail: `cannot read stack ${input.toolkitStackName}: ${e instanceof Error ? e.message : String(e)}`,
      fix: 'your identity needs cloudformation:DescribeStacks',
    };
  }
  if (!stack)
    return {
      name,
      ok: false,
      detail: `${target} is not bootstrapped (no ${input.toolkitStackName} stack): the suite has file assets and nested stacks, which need it`,
      fix: bootstrap,
    };
  if (!/_COMPLETE$/.test(stack.status) || /ROLLBACK|DELETE/.test(stack.status))
    return { name, ok: false, detail: `${input.toolkitStackName} is ${stack.status}`, fix: `wait for it, or repair it with: ${bootstrap}` };
  const version = Number(stack.outputs.BootstrapVersion);
  if (!Number.isInteger(version))
    return { name, ok: false, detail: `${input.toolkitStackName} has no BootstrapVersion output (not a CDK bootstrap stack?)`, fix: bootstrap };
  if (version < input.requiredBootstrapVersion)
    return {
      name,
      ok: false,
      detail: `bootstrap version ${version}, this app needs at least ${input.requiredBootstrapVersion}`,
      fix: `upgrade it (safe, in place): ${bootstrap}`,
    };
  return { name, ok: true, detail: `${input.toolkitStackName} version ${version} (needs ${input.requiredBootstrapVersion})` };
}

async function checkStageStack(input: PreflightInput, deps: PreflightDeps): Promise<CheckResult> {
  const name = `stack ${input.stackName}`;
  try {
    const stack = await deps.stacks.describeStack(input.stackName);
    if (!stack) return { name, ok: true, detail: 'not deployed yet: this is the first deploy' };
    if (/_IN_PROGRESS$/.test(stack.status)) return { name, ok: false, detail: `${stack.status}: another deploy is running`, fix: 'wait for it to finish' };
    if (/ROLLBACK_FAILED$|^DELETE_FAILED$/.test(stack.status))
      return {
        name,
        ok: false,
        detail: stack.status,
        fix: 'see the stack events in the CloudFormation console; `aws cloudformation continue-update-rollback` (or delete a failed staging stack) first',
      };
    if (stack.status === 'ROLLBACK_COMPLETE')
      return {
        name,
        ok: false,
        detail: 'ROLLBACK_COMPLETE: the first deploy failed and CloudFormation cannot update the stack',
        fix: `read the failed events, then delete it (aws cloudformation delete-stack --stack-name ${input.stackName}) and deploy again`,
      };
    return { name, ok: true, detail: `${stack.status}: this deploy updates it` };
  } catch (e) {
    return { name, ok: false, detail: e instanceof Error ? e.message : String(e), fix: 'your identity needs cloudformation:DescribeStacks' };
  }
}

/**
 * Runs every check (each runs even after a failure, so one run lists every problem).
 *
 * @example
 * const results = await preflight(input, { identity: stsIdentity(sts), stacks: cloudFormationStacks(cfn) });
 * if (results.some((r) => !r.ok)) process.exit(1);
 */
export async function preflight(input: PreflightInput, deps: PreflightDeps): Promise<CheckResult[]> {
  const results = [checkContext(input.stage, input.context).result, checkRegion(input)];
  const credentials = await checkCredentials(input, deps);
  results.push(credentials.result);
  if (!credentials.account) return results;
  results.push(await checkBootstrap(input, deps, credentials.account));
  results.push(await checkStageStack(input, deps));
  return results;
}

/**
 * The bootstrap version the assembly needs: the highest `requiresBootstrapStackVersion` of its stacks and
 * asset manifests (cdk.out/manifest.json; ASSUMPTIONS.md L4).
 */
export function requiredBootstrapVersion(manifest: unknown): number {
  const artifacts = (manifest as { artifacts?: Record<string, { properties?: { requiresBootstrapStackVersion?: unknown } }> } | null)?.artifacts ?? {};
  const versions = Object.values(artifacts)
    .map((a) => a.properties?.requiresBootstrapStackVersion)
    .filter((v): v is number => typeof v === 'number');
  if (versions.length === 0) throw new Error('the cloud assembly names no required bootstrap version: synthesize first (npm run synth)');
  return Math.max(...versions);
}
