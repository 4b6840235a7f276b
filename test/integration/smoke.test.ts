/**
 * Issue 19: "after a deploy nothing tells the engineer that the suite actually works". `npm run smoke`
 * runs here against the local suite (what `npm start` runs, on ephemeral ports): every step passes, no
 * secret is printed, and each failure a newcomer meets is named with its fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_SECRET_IDS } from '../../local/suite.js';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsManagerReader } from '../../infra/ops/aws.js';
import { localTarget, smokeMain } from '../../infra/ops/smoke-cli.js';
import { runSmoke, type SecretReader } from '../../infra/ops/smoke.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';

let s: TestSuite;
let secrets: SecretReader;
beforeAll(async () => {
  s = await startTestSuite();
  const client = new SecretsManagerClient({
    endpoint: s.local.secrets.endpoint,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  secrets = { value: secretsManagerReader(client).value };
});
afterAll(async () => {
  await s?.close();
});

describe('npm run smoke against the local suite', () => {
  it('passes every step through the command, and prints no secret', async () => {
    const lines: string[] = [];
    const code = await smokeMain(['--local', s.api, '--secrets-endpoint', s.local.secrets.endpoint], (l) => lines.push(l));
    const text = lines.join('\n');
    expect(code, text).toBe(0);
    expect(lines.filter((l) => l.startsWith('PASS'))).toHaveLength(5);
    expect(text).toContain('all 5 checks passed');
    expect(text).toMatch(/PASS {2}smoke webhook received and processed: event [0-9a-f]{12}… processed as a smoke event/);
    expect(text).toMatch(/PASS {2}reconciliation run completes: run \S+ completed/);
    const dataKey = await secrets.value(LOCAL_SECRET_IDS.dataKey);
    for (const secret of [s.apiKey, s.webhookToken, dataKey]) expect(text).not.toContain(secret);
  });

  it('the smoke event reached neither the ledger nor the bus', async () => {
    const results = await runSmoke(localTarget(s.api, secrets));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(s.local.bus.list().filter((e) => String(e.detail.entityId ?? '').startsWith('smoke-'))).toEqual([]);
  });

  it('names a secret still holding the deploy placeholder, with the command that fills it (other steps still run)', async () => {
    const placeholder: SecretReader = { value: secrets.value, versionCount: async (id) => (id === LOCAL_SECRET_IDS.apiKey ? 1 : 2) };
    const results = await runSmoke(localTarget(s.api, placeholder));
    const step = results[0]!;
    expect(step).toMatchObject({ ok: false, name: 'secrets hold values' });
    expect(step.detail).toContain('the P100 API key is still the placeholder');
    expect(step.fix).toContain(`aws secretsmanager put-secret-value --secret-id ${LOCAL_SECRET_IDS.apiKey}`);
    expect(results).toHaveLength(5);
    expect(results.slice(1).every((r) => r.ok)).toBe(true);
  });

  it('a token the receivers do not accept fails the webhook step with its fix', async () => {
    const wrongToken: SecretReader = { value: async (id) => (id === LOCAL_SECRET_IDS.webhookToken ? 'not-the-token' : secrets.value(id)) };
    const results = await runSmoke(localTarget(s.api, wrongToken));
    const step = results.find((r) => r.name === 'smoke webhook received and processed')!;
    expect(step.ok).toBe(false);
    expect(step.detail).toContain('HTTP 401');
    expect(step.fix).toContain('token');
  });

  it('a suite that is not running fails every reachable step with "no answer", without hanging', async () => {
    const results = await runSmoke({ ...localTarget('http://127.0.0.1:9', secrets) }, { waitMs: 500, pollMs: 50 });
    expect(results.map((r) => r.ok)).toEqual([true, false, false, false, false]);
    expect(results[1]!.detail).toMatch(/no answer/);
  });

  it('goes through another webhook when asked (--webhook), and refuses one the catalog does not have', async () => {
    const lines: string[] = [];
    const local = ['--local', s.api, '--secrets-endpoint', s.local.secrets.endpoint];
    expect(await smokeMain([...local, '--webhook', 'p2pTransfer', '--json'], (l) => lines.push(l))).toBe(0);
    const report = JSON.parse(lines.slice(1).join('\n')) as { results: Array<{ ok: boolean }> };
    expect(report.results.map((r) => r.ok)).toEqual([true, true, true, true, true]);
    expect(await smokeMain([...local, '--webhook', 'nope'], (l) => lines.push(l))).toBe(2);
    expect(lines.join('\n')).toContain('not a webhook of the catalog');
  });

  it('usage errors exit 2 and say what to pass', async () => {
    const lines: string[] = [];
    expect(await smokeMain([], (l) => lines.push(l))).toBe(2);
    expect(lines.join('\n')).toContain('give --stage or --local');
    expect(await smokeMain(['--local', s.api], (l) => lines.push(l))).toBe(2);
    expect(lines.join('\n')).toContain('--secrets-endpoint');
    expect(await smokeMain(['--bogus'], (l) => lines.push(l))).toBe(2);
  });
});
