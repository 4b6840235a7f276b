/**
 * `npm run smoke -- --stage <staging|production> [--region eu-central-1] [--webhook exchange] [--json]`
 * `npm run smoke -- --local http://localhost:3000 --secrets-endpoint http://127.0.0.1:<port>` (what `npm start` prints)
 *
 * Exit code 0 when every step passed, 1 when one failed, 2 for a usage or setup error.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { LOCAL_SECRET_IDS } from '../../local/suite.js';
import { webhooks } from '../../shared/webhooks/catalog.js';
import { suiteStackName } from '../lib/app.js';
import { cloudFormationStacks, plainHttp, secretsManagerReader, sigv4Http, type StackReader } from './aws.js';
import { formatResults } from './report.js';
import { runSmoke, type SecretReader, type SmokeOptions, type SmokeTarget, type SuiteHttp } from './smoke.js';

export class SmokeSetupError extends Error {
  override readonly name = 'SmokeSetupError';
}

/** The deployed stage's target, from its stack outputs (ApiUrl, the three secret names). */
export async function deployedTarget(stage: string, stacks: StackReader, secrets: SecretReader, http: SuiteHttp): Promise<SmokeTarget> {
  const name = suiteStackName(stage);
  const stack = await stacks.describeStack(name);
  if (!stack)
    throw new SmokeSetupError(`stack ${name} not found in this account and region: deploy it (npm run deploy -- --stage ${stage}) or set --region/AWS_REGION`);
  if (!/_COMPLETE$/.test(stack.status) || /ROLLBACK|DELETE/.test(stack.status))
    throw new SmokeSetupError(`stack ${name} is ${stack.status}: wait for the deploy to finish or fix it first`);
  const output = (pattern: RegExp, what: string): string => {
    const key = Object.keys(stack.outputs).find((k) => pattern.test(k));
    if (!key || !stack.outputs[key]) throw new SmokeSetupError(`stack ${name} has no ${what} output: it predates this version, redeploy`);
    return stack.outputs[key];
  };
  return {
    apiUrl: output(/^Api(Api)?Url/, 'ApiUrl').replace(/\/$/, ''),
    secretIds: {
      apiKey: output(/^ApiKeySecretName$/, 'ApiKeySecretName'),
      webhookToken: output(/^WebhookTokenSecretName$/, 'WebhookTokenSecretName'),
      dataKey: output(/^DataKeySecretName$/, 'DataKeySecretName'),
    },
    secrets,
    http,
    label: stage,
  };
}

/** The local suite (`npm start`): gateway URL, the Secrets Manager stand-in, the local secret ids. */
export function localTarget(apiUrl: string, secrets: SecretReader): SmokeTarget {
  return { apiUrl: apiUrl.replace(/\/$/, ''), secretIds: { ...LOCAL_SECRET_IDS }, secrets, http: plainHttp, label: 'local' };
}

const usage = `usage: npm run smoke -- --stage <staging|production> [--region <region>] [--webhook <name>] [--json]
       npm run smoke -- --local <gateway URL> --secrets-endpoint <URL printed by npm start> [--json]`;

export async function smokeMain(argv: string[], out: (line: string) => void, options: SmokeOptions = {}): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    out(`${e instanceof Error ? e.message : String(e)}\n${usage}`);
    return 2;
  }
  const { stage, local, region, json } = args.values;
  const secretsEndpoint = args.values['secrets-endpoint'];
  let target: SmokeTarget;
  try {
    if (args.values.webhook && !webhooks.some((w) => w.name === args.values.webhook))
      throw new SmokeSetupError(`--webhook ${args.values.webhook}: not a webhook of the catalog (${webhooks.map((w) => w.name).join(', ')})`);
    if (local) {
      if (!secretsEndpoint) throw new SmokeSetupError('--local needs --secrets-endpoint (npm start prints it)');
      const client = new SecretsManagerClient({
        endpoint: secretsEndpoint,
        region: 'eu-central-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      // The stand-in has no version history: only "holds a value" is checked locally (ASSUMPTIONS L2).
      target = localTarget(local, { value: secretsManagerReader(client).value });
    } else if (stage) {
      const r = region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
      if (!r) throw new SmokeSetupError('no region: pass --region or set AWS_REGION');
      const credentials = defaultProvider();
      target = await deployedTarget(
        stage,
        cloudFormationStacks(new CloudFormationClient({ region: r, credentials })),
        secretsManagerReader(new SecretsManagerClient({ region: r, credentials })),
        sigv4Http(r, credentials),
      );
    } else throw new SmokeSetupError('give --stage or --local');
  } catch (e) {
    out(`${e instanceof Error ? e.message : String(e)}\n${usage}`);
    return 2;
  }
  out(`smoke test of ${target.label} (${target.apiUrl})`);
  const results = await runSmoke(target, { ...options, ...(args.values.webhook ? { webhook: args.values.webhook } : {}) });
  if (json) out(JSON.stringify({ target: target.label, apiUrl: target.apiUrl, results }, null, 2));
  else for (const line of formatResults(results)) out(line);
  return results.every((r) => r.ok) ? 0 : 1;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      stage: { type: 'string' },
      local: { type: 'string' },
      'secrets-endpoint': { type: 'string' },
      region: { type: 'string' },
      webhook: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // The SDK warns that Node 20 loses support in 2027 on every client it builds; noise in a command's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await smokeMain(process.argv.slice(2), (l) => console.log(l));
}
