/**
 * `--stage <name>`: the deployed stack's base URL, read from its CloudFormation outputs with the default
 * credentials (the stack is `P100Suite-<Stage>`, shared/config/constants.ts; infra/lib/api.ts outputs `ApiUrl`).
 */
import { suiteStackName } from '../../shared/config/constants.js';

export function stackNameOf(stage: string): string {
  if (!/^[a-z][a-z0-9-]{0,30}$/i.test(stage)) throw new Error(`stage "${stage}" is not a stage name (letters, digits, dashes)`);
  return suiteStackName(stage);
}

export interface StackOutput {
  OutputKey?: string | undefined;
  OutputValue?: string | undefined;
}

/** The ApiUrl output (its logical id carries the construct path and a hash: matched by name). */
export function apiUrlOf(outputs: readonly StackOutput[], stackName: string): string {
  const hit = outputs.find((o) => o.OutputKey !== undefined && /ApiUrl/.test(o.OutputKey) && o.OutputValue);
  if (!hit?.OutputValue) throw new Error(`stack ${stackName} has no ApiUrl output (is the suite deployed there?)`);
  return hit.OutputValue;
}

/** The outputs of a stage's stack (DescribeStacks with the default credentials). */
export async function stageOutputs(stage: string, region?: string): Promise<{ stackName: string; outputs: StackOutput[] }> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const stackName = stackNameOf(stage);
  const cfn = new CloudFormationClient(region ? { region } : {});
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    return { stackName, outputs: out.Stacks?.[0]?.Outputs ?? [] };
  } finally {
    cfn.destroy();
  }
}

export async function stageBaseUrl(stage: string, region?: string): Promise<string> {
  const { stackName, outputs } = await stageOutputs(stage, region);
  return apiUrlOf(outputs, stackName);
}

/** The developer feed's queue (infra/lib/developer-feed.ts), or a clear error when the stack was deployed without it. */
export function feedQueueUrlOf(outputs: readonly StackOutput[], stackName: string): string {
  const url = outputs.find((o) => o.OutputKey === 'DeveloperFeedQueueUrl')?.OutputValue;
  if (!url) throw new Error(`stack ${stackName} has no developer feed: deploy it with -c developerFeed=true (infra/lib/developer-feed.ts)`);
  return url;
}
