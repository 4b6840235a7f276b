/**
 * Issue 19: "the alarms the stack creates have no runbook: the person paged at night learns what an alarm
 * means from the code". Every alarm of the synthesized stack (all variants) links to its `## <Entry>` of
 * docs/runbook.md and is named after it; every entry names a real alarm; the dashboards per concern show
 * real alarms; the retention and deletion policies are what the README's "Upgrades, rollback, teardown" says.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../infra/build.js';
import { InvalidContextError } from '../../infra/lib/config.js';
import { webhookFunctionName } from '../../shared/functions.js';
import { allResources, synthSuite, type Synthesized } from './synth.js';

const runbookFile = path.join(repoRoot, 'docs', 'runbook.md');

/** The `## <Entry>` headings of the runbook, by GitHub anchor. */
function runbookEntries(): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of readFileSync(runbookFile, 'utf8').split('\n')) {
    const m = /^## (\S+)\s*$/.exec(line);
    if (m) entries.set(m[1]!.toLowerCase(), m[1]!);
  }
  return entries;
}

interface AlarmSeen {
  name: string;
  description: string;
  stack: string;
}

function alarmsOf(s: Synthesized): AlarmSeen[] {
  return allResources(s)
    .filter(({ resource }) => resource.Type === 'AWS::CloudWatch::Alarm')
    .map(({ stack, resource }) => ({
      name: String(resource.Properties?.AlarmName),
      description: String(resource.Properties?.AlarmDescription),
      stack: stack.name,
    }));
}

const variants: Array<[string, Record<string, unknown>]> = [
  ['staging', {}],
  [
    'production with static egress, e-mail and JWT',
    { stage: 'production', staticEgress: 'true', alarmEmail: 'ops@example.com', jwtIssuer: 'https://id.example.com/', jwtAudience: 'suite' },
  ],
];

describe('every alarm has a runbook entry, every entry a real alarm', () => {
  const synths: Array<[string, Synthesized]> = [];
  beforeAll(() => {
    for (const [label, context] of variants) synths.push([label, synthSuite(context)]);
  });

  it('the runbook has entries (the test reads the file it claims to)', () => {
    expect(runbookEntries().size).toBeGreaterThanOrEqual(10);
  });

  it.each(variants.map(([label]) => label))('%s: each alarm description ends with `Runbook: docs/runbook.md#<entry>` of an existing entry', (label) => {
    const s = synths.find(([l]) => l === label)![1];
    const entries = runbookEntries();
    const alarms = alarmsOf(s);
    expect(alarms.length).toBeGreaterThan(100);
    const unlinked = alarms.filter((a) => !/ Runbook: docs\/runbook\.md#[a-z0-9]+$/.test(a.description)).map((a) => `${a.name}: ${a.description}`);
    expect(unlinked).toEqual([]);
    const missing = alarms
      .map((a) => /#([a-z0-9]+)$/.exec(a.description)![1]!)
      .filter((anchor) => !entries.has(anchor))
      .filter((anchor, i, all) => all.indexOf(anchor) === i);
    expect(missing, 'add a `## <Entry>` section to docs/runbook.md for each').toEqual([]);
  });

  it.each(variants.map(([label]) => label))('%s: each alarm is named `<prefix>-<Entry>[-<subject>]` after its runbook entry', (label) => {
    const s = synths.find(([l]) => l === label)![1];
    const entries = runbookEntries();
    for (const a of alarmsOf(s)) {
      const entry = entries.get(/#([a-z0-9]+)$/.exec(a.description)![1]!);
      expect(a.name === `${s.config.prefix}-${entry}` || a.name.startsWith(`${s.config.prefix}-${entry}-`), a.name).toBe(true);
    }
    const names = alarmsOf(s).map((a) => a.name);
    expect(new Set(names).size, 'alarm names are unique').toBe(names.length);
  });

  it('each runbook entry is the entry of at least one alarm (no entry for an alarm that no longer exists)', () => {
    const anchors = new Set(synths.flatMap(([, s]) => alarmsOf(s).map((a) => /#([a-z0-9]+)$/.exec(a.description)![1]!)));
    const orphans = [...runbookEntries().entries()].filter(([anchor]) => !anchors.has(anchor)).map(([, entry]) => entry);
    expect(orphans).toEqual([]);
  });

  it('each entry says what it means, where to look, what to do and when to escalate to P100', () => {
    const text = readFileSync(runbookFile, 'utf8');
    const sections = text.split(/^## /m).slice(1);
    for (const section of sections) {
      const title = section.split('\n')[0];
      expect(section, title).toMatch(/\*\*Means\.\*\*/);
      expect(section, title).toMatch(/\*\*(Look|Look \/ do)\.\*\*/);
      expect(section, title).toMatch(/\*\*(Do|Look \/ do)\.\*\*/);
      expect(section, title).toMatch(/\*\*Escalate to P100/);
    }
  });

  it('per-function alarms are grouped by what the paged person must do: money operation, operation, receiver, each job', () => {
    const s = synths[0]![1];
    const names = alarmsOf(s).map((a) => a.name);
    expect(names).toContain('p100-staging-MoneyOperationErrors-createExchange');
    expect(names).toContain('p100-staging-OperationErrors-getUserBalances');
    expect(names).toContain(`p100-staging-WebhookReceiverThrottles-${webhookFunctionName('exchange')}`);
    expect(names).toContain(`p100-staging-WebhookReceiverErrors-${webhookFunctionName('health')}`);
    expect(names).toContain('p100-staging-WebhookProcessorErrors-webhookProcessor');
    expect(names).toContain('p100-staging-ReconcileErrors-reconcile');
    expect(names).toContain('p100-staging-WebhookUnauthorized-exchange');
    expect(names).toContain('p100-staging-WebhookDlqDepth');
  });

  it('links to another runbook location when the context says so, and refuses a bad one', () => {
    const s = synthSuite({ runbookUrl: 'https://git.example.com/acme/p100/blob/main/docs/runbook.md' });
    for (const a of alarmsOf(s)) expect(a.description).toMatch(/ Runbook: https:\/\/git\.example\.com\/acme\/p100\/blob\/main\/docs\/runbook\.md#[a-z0-9]+$/);
    expect(() => synthSuite({ runbookUrl: 'http://wiki/runbook' })).toThrow(InvalidContextError);
    expect(() => synthSuite({ runbookUrl: 'https://wiki/runbook#x' })).toThrow(InvalidContextError);
    expect(() => synthSuite({ runbookUrl: `https://wiki/${'x'.repeat(600)}` })).toThrow(InvalidContextError);
    // The longest URL allowed still leaves every description within CloudWatch's 1024 characters, link intact.
    const longest = `https://${'w'.repeat(500)}`;
    for (const a of alarmsOf(synthSuite({ runbookUrl: longest }))) {
      expect(a.description.length).toBeLessThanOrEqual(1024);
      expect(a.description).toContain(`Runbook: ${longest}#`);
    }
  });
});

describe('dashboards, one per concern', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthSuite();
  });

  const dashboards = () =>
    allResources(s)
      .filter(({ resource }) => resource.Type === 'AWS::CloudWatch::Dashboard')
      .map(({ resource }) => ({ name: String(resource.Properties?.DashboardName), body: JSON.stringify(resource.Properties?.DashboardBody) }));

  it('money operations, webhooks and reconciliation each have a dashboard (beside the suite overview)', () => {
    expect(
      dashboards()
        .map((d) => d.name)
        .sort(),
    ).toEqual(['p100-staging-money-operations', 'p100-staging-reconciliation', 'p100-staging-suite', 'p100-staging-webhooks']);
  });

  it('each concern dashboard opens with an alarm status widget naming only alarms that exist', () => {
    const existing = new Set(alarmsOf(s).map((a) => a.name));
    for (const d of dashboards().filter((x) => !x.name.endsWith('-suite'))) {
      const firstWidget = d.body.indexOf('\\"type\\":\\"');
      expect(firstWidget, d.name).toBeGreaterThan(0);
      expect(d.body.indexOf('\\"type\\":\\"alarm\\"'), `${d.name} opens with its alarms`).toBe(firstWidget);
      const referenced = [...d.body.matchAll(/:alarm:(p100-staging-[A-Za-z0-9-]+)/g)].map((m) => m[1]!);
      expect(referenced.length, d.name).toBeGreaterThan(2);
      expect(
        referenced.filter((n) => !existing.has(n)),
        d.name,
      ).toEqual([]);
    }
  });

  it('the money dashboard shows every money operation and nothing else', () => {
    const money = dashboards().find((d) => d.name === 'p100-staging-money-operations')!;
    for (const op of ['createExchange', 'createTransfer', 'createCryptoWithdrawal', 'createSepaTransfer', 'createPartnerExchange'])
      expect(money.body).toContain(`p100-staging-${op}`);
    expect(money.body).not.toContain('p100-staging-getUserBalances');
  });
});

describe('upgrades and teardown: what a redeploy keeps and a destroy removes', () => {
  const stateful = ['AWS::DynamoDB::Table', 'AWS::SecretsManager::Secret', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::KMS::Key', 'AWS::SQS::Queue'];
  const policies = (s: Synthesized) =>
    allResources(s)
      .filter(({ resource }) => stateful.includes(resource.Type))
      .map(({ logicalId, resource }) => ({ logicalId, type: resource.Type, deletion: resource.DeletionPolicy, replace: resource.UpdateReplacePolicy }));

  it('staging: every table, secret, bucket, log group, key and queue is deleted with the stack', () => {
    const p = policies(synthSuite());
    expect(new Set(p.map((x) => x.type))).toEqual(new Set(stateful));
    expect(p.filter((x) => x.deletion !== 'Delete' || x.replace !== 'Delete')).toEqual([]);
  });

  it('production: every one of them is retained on delete and on replacement, and tables refuse deletion', () => {
    const s = synthSuite({ stage: 'production' });
    const p = policies(s);
    expect(new Set(p.map((x) => x.type))).toEqual(new Set(stateful));
    expect(p.filter((x) => x.deletion !== 'Retain' || x.replace !== 'Retain')).toEqual([]);
    const tables = allResources(s).filter(({ resource }) => resource.Type === 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(3);
    for (const { resource } of tables) {
      expect(resource.Properties?.DeletionProtectionEnabled).toBe(true);
      expect(resource.Properties?.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
  });

  it('layer versions are kept on delete (functions of a rollback may still use them): teardown removes them by hand', () => {
    const layers = allResources(synthSuite()).filter(({ resource }) => resource.Type === 'AWS::Lambda::LayerVersion');
    expect(layers).toHaveLength(2);
    for (const { resource } of layers) expect(resource.DeletionPolicy).toBe('Retain');
  });
});
