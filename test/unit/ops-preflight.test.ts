/**
 * Issue 19: "the deploy section starts with `npx cdk deploy`, but a fresh account or region needs `cdk
 * bootstrap` first, and the README never says so". The preflight of `npm run deploy` names each thing a
 * fresh account lacks, with its fix, before anything is deployed. AWS clients are stubs (no network).
 */
import { describe, expect, it } from 'vitest';
import type { IdentityReader, StackDescription, StackReader } from '../../infra/ops/aws.js';
import { contextPairs, deployMain, type DeployDeps } from '../../infra/ops/deploy.js';
import { preflight, requiredBootstrapVersion, type PreflightInput } from '../../infra/ops/preflight.js';
import { formatResults } from '../../infra/ops/report.js';
import { deployedTarget, SmokeSetupError } from '../../infra/ops/smoke-cli.js';
import { runSmoke, type HttpRequest, type SmokeTarget } from '../../infra/ops/smoke.js';

const identity = (account = '123456789012'): IdentityReader => ({ callerIdentity: async () => ({ account, arn: `arn:aws:iam::${account}:user/ops` }) });
const noCredentials: IdentityReader = {
  callerIdentity: async () => {
    const e = new Error('Could not load credentials from any providers');
    e.name = 'CredentialsProviderError';
    throw e;
  },
};
const stacks = (byName: Record<string, StackDescription>): StackReader & { asked: string[] } => {
  const asked: string[] = [];
  return {
    asked,
    describeStack: async (name) => {
      asked.push(name);
      return byName[name];
    },
  };
};
const bootstrapped = (version: number, status = 'UPDATE_COMPLETE'): StackDescription => ({ status, outputs: { BootstrapVersion: String(version) } });

const input = (over: Partial<PreflightInput> = {}): PreflightInput => ({
  stage: 'staging',
  context: {},
  region: 'eu-central-1',
  requiredBootstrapVersion: 6,
  toolkitStackName: 'CDKToolkit',
  stackName: 'P100Suite-Staging',
  ...over,
});
const byName = (results: Awaited<ReturnType<typeof preflight>>, name: string) => results.find((r) => r.name.startsWith(name));

describe('preflight', () => {
  it('passes on a bootstrapped account with good credentials, region and context (first deploy)', async () => {
    const r = await preflight(input(), { identity: identity(), stacks: stacks({ CDKToolkit: bootstrapped(29) }) });
    expect(r.map((x) => [x.name, x.ok])).toEqual([
      ['context', true],
      ['region', true],
      ['credentials', true],
      ['CDK bootstrap', true],
      ['stack P100Suite-Staging', true],
    ]);
    expect(byName(r, 'stack')!.detail).toContain('first deploy');
  });

  it('a fresh region: not bootstrapped, with the exact bootstrap command for the account and region', async () => {
    const r = await preflight(input(), { identity: identity('111122223333'), stacks: stacks({}) });
    const b = byName(r, 'CDK bootstrap')!;
    expect(b.ok).toBe(false);
    expect(b.detail).toContain('not bootstrapped');
    expect(b.fix).toBe('npx cdk bootstrap aws://111122223333/eu-central-1');
  });

  it('an old bootstrap stack: names both versions and the in-place upgrade', async () => {
    const r = await preflight(input({ requiredBootstrapVersion: 21 }), { identity: identity(), stacks: stacks({ CDKToolkit: bootstrapped(14) }) });
    const b = byName(r, 'CDK bootstrap')!;
    expect(b).toMatchObject({ ok: false, detail: 'bootstrap version 14, this app needs at least 21' });
    expect(b.fix).toContain('npx cdk bootstrap aws://123456789012/eu-central-1');
  });

  it('a custom toolkit stack name is looked up and passed on to the fix', async () => {
    const s = stacks({});
    const r = await preflight(input({ toolkitStackName: 'AcmeToolkit' }), { identity: identity(), stacks: s });
    expect(s.asked).toContain('AcmeToolkit');
    expect(byName(r, 'CDK bootstrap')!.fix).toContain('--toolkit-stack-name AcmeToolkit');
  });

  it('a broken bootstrap stack or one without the version output fails', async () => {
    const rolled = await preflight(input(), { identity: identity(), stacks: stacks({ CDKToolkit: bootstrapped(29, 'UPDATE_ROLLBACK_COMPLETE') }) });
    expect(byName(rolled, 'CDK bootstrap')!.ok).toBe(false);
    const foreign = await preflight(input(), { identity: identity(), stacks: stacks({ CDKToolkit: { status: 'CREATE_COMPLETE', outputs: {} } }) });
    expect(byName(foreign, 'CDK bootstrap')!.detail).toContain('no BootstrapVersion output');
  });

  it('no credentials: says how to get them and stops before any CloudFormation call', async () => {
    const s = stacks({});
    const r = await preflight(input(), { identity: noCredentials, stacks: s });
    const c = byName(r, 'credentials')!;
    expect(c.ok).toBe(false);
    expect(c.detail).toContain('CredentialsProviderError');
    expect(c.fix).toContain('aws sso login');
    expect(s.asked).toEqual([]);
  });

  it('credentials for another account than the context pins', async () => {
    const r = await preflight(input({ context: { account: '999999999999' } }), {
      identity: identity('123456789012'),
      stacks: stacks({ CDKToolkit: bootstrapped(29) }),
    });
    expect(byName(r, 'credentials')).toMatchObject({ ok: false, detail: 'the context pins account 999999999999, your credentials are for 123456789012' });
  });

  it('no region, a malformed one, or one other than the context pins', async () => {
    const deps = { identity: identity(), stacks: stacks({ CDKToolkit: bootstrapped(29) }) };
    expect(byName(await preflight(input({ region: undefined }), deps), 'region')).toMatchObject({ ok: false, detail: 'no region configured' });
    expect(byName(await preflight(input({ region: 'frankfurt' }), deps), 'region')!.ok).toBe(false);
    expect(byName(await preflight(input({ context: { region: 'eu-west-1' } }), deps), 'region')!.fix).toBe('pass --region eu-west-1 (or drop -c region)');
  });

  it('bad context is refused as the app would refuse it (InvalidContextError text), and too many reservations too', async () => {
    const deps = { identity: identity(), stacks: stacks({ CDKToolkit: bootstrapped(29) }) };
    const bad = byName(await preflight(input({ context: { staticEgress: 'yes' } }), deps), 'context')!;
    expect(bad).toMatchObject({
      ok: false,
      detail: 'CDK context "staticEgress" must be true or false, not "yes" (set it with -c staticEgress=... or in cdk.json)',
    });
    const quota = byName(await preflight(input({ context: { accountConcurrency: '10' } }), deps), 'context')!;
    expect(quota.ok).toBe(false);
    expect(quota.detail).toContain('unreserved');
  });

  it('the stage stack mid-deploy, failed on first create, or stuck in a failed rollback', async () => {
    const at = async (status: string) =>
      byName(
        await preflight(input(), { identity: identity(), stacks: stacks({ CDKToolkit: bootstrapped(29), 'P100Suite-Staging': { status, outputs: {} } }) }),
        'stack',
      )!;
    expect((await at('UPDATE_IN_PROGRESS')).ok).toBe(false);
    expect((await at('ROLLBACK_COMPLETE')).fix).toContain('aws cloudformation delete-stack --stack-name P100Suite-Staging');
    expect((await at('UPDATE_ROLLBACK_FAILED')).fix).toContain('continue-update-rollback');
    expect(await at('UPDATE_COMPLETE')).toMatchObject({ ok: true });
  });

  it('reads the required bootstrap version from the assembly manifest', () => {
    const manifest = {
      artifacts: { 'S.assets': { properties: { requiresBootstrapStackVersion: 6 } }, S: { properties: { requiresBootstrapStackVersion: 21 } }, Tree: {} },
    };
    expect(requiredBootstrapVersion(manifest)).toBe(21);
    expect(() => requiredBootstrapVersion({ artifacts: {} })).toThrow(/synthesize first/);
  });

  it('prints PASS/FAIL lines with the fix under each failure', () => {
    expect(
      formatResults([
        { name: 'a', ok: true, detail: 'x' },
        { name: 'b', ok: false, detail: 'y', fix: 'do z\nthen w' },
      ]),
    ).toEqual(['PASS  a: x', 'FAIL  b: y', '      fix: do z', '      fix: then w', '1 of 2 checks failed']);
  });
});

describe('npm run deploy', () => {
  const deps = (over: Partial<DeployDeps> = {}) => {
    const ran: string[] = [];
    const lines: string[] = [];
    const d: DeployDeps = {
      run: async (cmd, args) => {
        ran.push([cmd, ...args].join(' '));
        return 0;
      },
      aws: () => ({ identity: identity(), stacks: stacks({ CDKToolkit: bootstrapped(29) }) }),
      defaultRegion: async () => undefined,
      cdkContext: () => ({ stage: 'staging', reconcileIntervalMinutes: 15 }),
      readManifest: () => ({ artifacts: { S: { properties: { requiresBootstrapStackVersion: 6 } } } }),
      out: (l) => lines.push(l),
      ...over,
    };
    return { d, ran, lines };
  };

  it('builds, synthesizes, checks, then deploys that assembly to the checked region, and says what comes next', async () => {
    const { d, ran, lines } = deps();
    expect(await deployMain(['--stage', 'production', '--region', 'eu-central-1', '-c', 'staticEgress=true'], d)).toBe(0);
    expect(ran).toEqual([
      'npm run build',
      'npx cdk synth --quiet -c staticEgress=true -c stage=production',
      'npx cdk deploy P100Suite-Production --app cdk.out --require-approval broadening',
    ]);
    const text = lines.join('\n');
    expect(text).toContain('all 5 checks passed');
    expect(text).toContain('StaticEgressIp');
    expect(text).toContain('npm run smoke -- --stage production --region eu-central-1');
  });

  it('deploys nothing when a check fails (a fresh, unbootstrapped region)', async () => {
    const { d, ran, lines } = deps({ aws: () => ({ identity: identity(), stacks: stacks({}) }) });
    expect(await deployMain(['--stage', 'staging', '--region', 'eu-west-3'], d)).toBe(1);
    expect(ran.some((c) => c.includes('cdk deploy'))).toBe(false);
    expect(lines.join('\n')).toContain('fix: npx cdk bootstrap aws://123456789012/eu-west-3');
  });

  it('refuses bad context before building anything', async () => {
    const { d, ran } = deps();
    expect(await deployMain(['--stage', 'staging', '--region', 'eu-west-3', '-c', 'reconcileIntervalMinutes=0'], d)).toBe(1);
    expect(ran).toEqual([]);
  });

  it('--preflight-only stops after the checks; --yes deploys without the approval prompt', async () => {
    const a = deps();
    expect(await deployMain(['--stage', 'staging', '--region', 'eu-west-3', '--preflight-only'], a.d)).toBe(0);
    expect(a.ran.some((c) => c.includes('cdk deploy'))).toBe(false);
    const b = deps();
    expect(await deployMain(['--stage', 'staging', '--region', 'eu-west-3', '--yes'], b.d)).toBe(0);
    expect(b.ran.at(-1)).toBe('npx cdk deploy P100Suite-Staging --app cdk.out --require-approval never');
  });

  it('a failed build or synth stops there', async () => {
    const ran: string[] = [];
    const run: DeployDeps['run'] = async (cmd, args) => {
      ran.push([cmd, ...args].join(' '));
      return args.includes('synth') ? 1 : 0;
    };
    expect(await deployMain(['--stage', 'staging', '--region', 'eu-west-3'], deps({ run }).d)).toBe(1);
    expect(ran).toEqual(['npm run build', 'npx cdk synth --quiet -c stage=staging']);
  });

  it('usage errors exit 2', async () => {
    expect(await deployMain([], deps().d)).toBe(2);
    expect(await deployMain(['--stage', 'staging', '-c', 'novalue'], deps().d)).toBe(2);
    expect(await deployMain(['--stage', 'staging', '-c', 'stage=production'], deps().d)).toBe(2);
    expect(contextPairs(['a=b=c'])).toEqual({ a: 'b=c' });
  });
});

describe('smoke against a deployed stage (stack outputs; stubbed HTTP)', () => {
  const outputs = {
    ApiApiUrlF2D81078: 'https://abc.execute-api.eu-central-1.amazonaws.com/',
    ApiKeySecretName: 'p100-staging/p100-api-key',
    WebhookTokenSecretName: 'p100-staging/webhook-token',
    DataKeySecretName: 'p100-staging/data-key',
  };
  const secrets = { value: async () => 'x' };

  it('finds the API and the three secrets from the outputs of P100Suite-<Stage>', async () => {
    const s = stacks({ 'P100Suite-Staging': { status: 'UPDATE_COMPLETE', outputs } });
    const t = await deployedTarget('staging', s, secrets, async () => ({ status: 200, text: '' }));
    expect(t.apiUrl).toBe('https://abc.execute-api.eu-central-1.amazonaws.com');
    expect(t.secretIds).toEqual({ apiKey: 'p100-staging/p100-api-key', webhookToken: 'p100-staging/webhook-token', dataKey: 'p100-staging/data-key' });
  });

  it('a missing stack, a rolled-back one, or one without the outputs is a setup error naming what to do', async () => {
    await expect(deployedTarget('staging', stacks({}), secrets, async () => ({ status: 200, text: '' }))).rejects.toThrow(/npm run deploy -- --stage staging/);
    await expect(
      deployedTarget('staging', stacks({ 'P100Suite-Staging': { status: 'ROLLBACK_COMPLETE', outputs } }), secrets, async () => ({ status: 200, text: '' })),
    ).rejects.toThrow(SmokeSetupError);
    await expect(
      deployedTarget('staging', stacks({ 'P100Suite-Staging': { status: 'CREATE_COMPLETE', outputs: {} } }), secrets, async () => ({ status: 200, text: '' })),
    ).rejects.toThrow(/no ApiUrl output/);
  });

  it('tells a gateway 403 (attach the company policy) from P100 refusing the key', async () => {
    const target = (answer: { status: number; text: string }): SmokeTarget => ({
      apiUrl: 'https://api',
      secretIds: { apiKey: 'a', webhookToken: 'w', dataKey: 'd' },
      secrets: { value: async () => '' },
      http: async (req: HttpRequest) => (req.url.endsWith('/partner/balances') ? answer : { status: 500, text: '{}' }),
      label: 'staging',
    });
    const gateway = (await runSmoke(target({ status: 403, text: '{"message":"Forbidden"}' }), { waitMs: 10, pollMs: 1 }))[1]!;
    expect(gateway.fix).toContain('CompanyAppPolicyArn');
    const p100 = (await runSmoke(target({ status: 403, text: '{"title":"Refused","upstream":{"errorCode":"P403"}}' }), { waitMs: 10, pollMs: 1 }))[1]!;
    expect(p100.fix).toContain('API key');
    expect(p100.detail).toContain('P100 P403');
  });
});
