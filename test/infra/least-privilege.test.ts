import { beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../shared/catalog/index.js';
import { ENV } from '../../shared/config/env.js';
import { webhooks } from '../../shared/webhooks/catalog.js';
import { webhookFunctionName } from '../../infra/lib/inventory.js';
import { functionNamed, synthSuite, type DeployedFunction, type Synthesized } from './synth.js';

const actionsOf = (fn: DeployedFunction): string[] => fn.statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
const secretStatements = (fn: DeployedFunction) => fn.statements.filter((st) => JSON.stringify(st.Action).includes('secretsmanager:'));
const touches = (fn: DeployedFunction, logicalName: string): boolean => JSON.stringify(fn.statements).includes(logicalName);

let s: Synthesized;
beforeAll(() => {
  s = synthSuite();
});

describe('least privilege, read from the IAM policies in the templates', () => {

  it('lets operation functions reach the API-key secret only, never the webhook token', () => {
    for (const op of operations) {
      const fn = functionNamed(s, op.operationId)!;
      expect(touches(fn, 'WebhookTokenSecret'), op.operationId).toBe(false);
      expect(fn.env[ENV.webhookTokenSecretId], op.operationId).toBeUndefined();
      for (const st of secretStatements(fn)) expect(JSON.stringify(st.Resource), op.operationId).toMatch(/ApiKeySecret/);
      if (op.upstream) expect(secretStatements(fn), `${op.operationId} calls P100`).toHaveLength(1);
    }
  });

  it('lets webhook receivers reach the webhook-token secret only, never the API key', () => {
    for (const w of webhooks) {
      const fn = functionNamed(s, webhookFunctionName(w.name))!;
      expect(touches(fn, 'ApiKeySecret'), w.name).toBe(false);
      expect(fn.env[ENV.apiKeySecretId], w.name).toBeUndefined();
      const secrets = secretStatements(fn);
      expect(secrets, w.name).toHaveLength(1);
      expect(JSON.stringify(secrets[0]!.Resource)).toMatch(/WebhookTokenSecret/);
    }
  });

  it('lets receivers write the inbox and send to the webhook queue, and nothing of the ledger or bus', () => {
    const fn = functionNamed(s, webhookFunctionName(webhooks[0]!.name))!;
    expect(touches(fn, 'InboxTable')).toBe(true);
    expect(actionsOf(fn)).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'sqs:SendMessage']));
    expect(touches(fn, 'LedgerTable') || touches(fn, 'Bus') || touches(fn, 'IdempotencyTable')).toBe(false);
  });

  it('gives the idempotency table to money operations and to no other operation', () => {
    for (const op of operations) {
      const fn = functionNamed(s, op.operationId)!;
      expect(touches(fn, 'IdempotencyTable'), op.operationId).toBe(op.kind === 'money');
      expect(fn.env[ENV.idempotencyTable] !== undefined, op.operationId).toBe(op.kind === 'money');
    }
  });

  it('never grants a wildcard resource except for X-Ray and namespaced metrics', () => {
    for (const op of operations) {
      const fn = functionNamed(s, op.operationId)!;
      for (const st of fn.statements.filter((x) => x.Resource === '*')) {
        const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
        const xray = actions.every((a) => a.startsWith('xray:'));
        const metrics = actions.every((a) => a === 'cloudwatch:PutMetricData') && JSON.stringify(st.Condition).includes('P100Suite');
        expect(xray || metrics, `${op.operationId}: ${actions.join(',')}`).toBe(true);
      }
    }
  });

  it('gives the health probe no data, secret or queue access at all', () => {
    const fn = functionNamed(s, webhookFunctionName('health'))!;
    expect(actionsOf(fn).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual([]);
  });

  it('sets only environment variables that ENV documents', () => {
    const documented = new Set<string>(Object.values(ENV));
    for (const op of operations) {
      const fn = functionNamed(s, op.operationId)!;
      for (const name of Object.keys(fn.env)) expect(documented.has(name), `${op.operationId}: ${name}`).toBe(true);
    }
  });
});

describe('capabilities of the local operations and jobs (present in the catalog)', () => {
  const has = (name: string) => operations.some((o) => o.operationId === name);

  it.runIf(has('createUploadUrl'))('lets createUploadUrl put objects into the upload bucket and do nothing else with S3', () => {
    const fn = functionNamed(s, 'createUploadUrl')!;
    expect(actionsOf(fn).filter((a) => a.startsWith('s3:'))).toEqual(['s3:PutObject']);
    expect(fn.env[ENV.uploadBucket]).toBeDefined();
  });

  it.runIf(has('addKycFile'))('lets addKycFile read uploaded objects but not write them', () => {
    const fn = functionNamed(s, 'addKycFile')!;
    expect(actionsOf(fn).filter((a) => a.startsWith('s3:'))).toEqual(['s3:GetObject']);
  });

  it.runIf(has('startReconciliation'))('lets startReconciliation invoke the reconcile function and no other', () => {
    const fn = functionNamed(s, 'startReconciliation')!;
    const invoke = fn.statements.filter((st) => JSON.stringify(st.Action).includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    expect(JSON.stringify(invoke[0]!.Resource)).toMatch(/function:p100-staging-reconcile"/);
    expect(fn.env[ENV.reconcileFunctionName]).toBe('p100-staging-reconcile');
  });

  it('gives the processor the inbox, the ledger and the bus, but no secret', () => {
    const fn = functionNamed(s, 'webhookProcessor')!;
    expect(touches(fn, 'InboxTable') && touches(fn, 'LedgerTable') && actionsOf(fn).includes('events:PutEvents')).toBe(true);
    expect(secretStatements(fn)).toEqual([]);
  });

  it('gives reconcile the API key, the ledger, the reconcile queue, the bus and metrics', () => {
    const fn = functionNamed(s, 'reconcile')!;
    expect(touches(fn, 'ApiKeySecret') && touches(fn, 'LedgerTable') && touches(fn, 'ReconcileQueue')).toBe(true);
    expect(actionsOf(fn)).toEqual(expect.arrayContaining(['events:PutEvents', 'cloudwatch:PutMetricData', 'sqs:SendMessage']));
    expect(touches(fn, 'WebhookTokenSecret')).toBe(false);
  });
});
