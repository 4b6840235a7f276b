import { beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../shared/catalog/index.js';
import { ENV } from '../../shared/config/env.js';
import { webhooks } from '../../shared/webhooks/catalog.js';
import { jobs } from '../../shared/jobs.js';
import { functionSpecs, webhookFunctionName } from '../../infra/lib/inventory.js';
import { functionNamed, routeFor, synthSuite, type DeployedFunction, type Synthesized } from './synth.js';

const actionsOf = (fn: DeployedFunction): string[] => fn.statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
const secretStatements = (fn: DeployedFunction) => fn.statements.filter((st) => JSON.stringify(st.Action).includes('secretsmanager:'));
/** Which of the suite's secrets the function may read (statements may be merged: read the resources). */
const secretsReached = (fn: DeployedFunction): string[] =>
  [...new Set(secretStatements(fn).flatMap((st) => JSON.stringify(st.Resource).match(/ApiKeySecret|WebhookTokenSecret|DataKeySecret/g) ?? []))].sort();
const touches = (fn: DeployedFunction, logicalName: string): boolean => JSON.stringify(fn.statements).includes(logicalName);
/** Statements with one of these actions. */
const withAction = (fn: DeployedFunction, prefix: string) =>
  fn.statements.filter((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]).some((a) => a.startsWith(prefix)));
/** Actions other than the own log group and X-Ray, which every function has. */
const dataActions = (fn: DeployedFunction): string[] => actionsOf(fn).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'));
const everyFunction = () => functionSpecs().map((spec) => ({ spec, fn: functionNamed(s, spec.name)! }));

let s: Synthesized;
beforeAll(() => {
  s = synthSuite();
});

describe('least privilege, read from the IAM policies in the templates', () => {
  it('lets operation functions reach the API-key secret and (money and writes) the data key, never the webhook token', () => {
    for (const op of operations) {
      const fn = functionNamed(s, op.operationId)!;
      expect(touches(fn, 'WebhookTokenSecret'), op.operationId).toBe(false);
      expect(fn.env[ENV.webhookTokenSecretId], op.operationId).toBeUndefined();
      const expected = [...(op.upstream ? ['ApiKeySecret'] : []), ...(op.kind !== 'read' ? ['DataKeySecret'] : [])];
      expect(secretsReached(fn), op.operationId).toEqual(expected.sort());
    }
  });

  it('lets webhook receivers reach the webhook-token secret only, never the API key', () => {
    for (const w of webhooks) {
      const fn = functionNamed(s, webhookFunctionName(w.name))!;
      expect(touches(fn, 'ApiKeySecret'), w.name).toBe(false);
      expect(fn.env[ENV.apiKeySecretId], w.name).toBeUndefined();
      expect(secretsReached(fn), w.name).toEqual(['DataKeySecret', 'WebhookTokenSecret']);
    }
  });

  it('lets receivers write the inbox and send to the webhook queue, only read the ledger (ASSUMPTIONS E9), and nothing of the bus', () => {
    const fn = functionNamed(s, webhookFunctionName(webhooks[0]!.name))!;
    expect(touches(fn, 'InboxTable')).toBe(true);
    expect(actionsOf(fn)).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'sqs:SendMessage']));
    const ledgerActions = fn.statements
      .filter((st) => JSON.stringify(st.Resource).includes('LedgerTable'))
      .flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
    expect(ledgerActions.length).toBeGreaterThan(0);
    expect(ledgerActions.filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
    expect(touches(fn, 'Bus') || touches(fn, 'IdempotencyTable')).toBe(false);
  });

  it('gives the idempotency table to money and write operations (Idempotency-Key on every write) and to no read', () => {
    // The operator timeline reads an Idempotency-Key's records (ASSUMPTIONS O3): BatchGetItem, nothing else.
    const readsRecords = new Set(['getTimeline']);
    for (const op of operations) {
      const fn = functionNamed(s, op.operationId)!;
      expect(touches(fn, 'IdempotencyTable'), op.operationId).toBe(op.kind !== 'read' || readsRecords.has(op.operationId));
      expect(fn.env[ENV.idempotencyTable] !== undefined, op.operationId).toBe(op.kind !== 'read' || readsRecords.has(op.operationId));
    }
    const timeline = functionNamed(s, 'getTimeline')!;
    const onRecords = timeline.statements
      .filter((st) => JSON.stringify(st.Resource).includes('IdempotencyTable'))
      .flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
    expect(onRecords).toEqual(['dynamodb:BatchGetItem']);
  });

  it('never grants a wildcard resource except for X-Ray', () => {
    for (const { spec, fn } of everyFunction()) {
      for (const st of fn.statements.filter((x) => x.Resource === '*')) {
        const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
        expect(
          actions.every((a) => a.startsWith('xray:')),
          `${spec.name}: ${actions.join(',')}`,
        ).toBe(true);
      }
    }
  });

  it('gives no function CloudWatch permissions: metrics are EMF log lines', () => {
    for (const { spec, fn } of everyFunction())
      expect(
        actionsOf(fn).filter((a) => a.startsWith('cloudwatch:')),
        spec.name,
      ).toEqual([]);
  });

  it('gives user lifecycle steps the ledger (and, being writes, the idempotency table) but never the inbox', () => {
    const steps = operations.filter((o) => o.userLedger);
    expect(steps.length).toBeGreaterThanOrEqual(10);
    for (const op of steps) {
      const fn = functionNamed(s, op.operationId)!;
      expect(fn.env[ENV.ledgerTable], op.operationId).toBeDefined();
      expect(fn.env[ENV.inboxTable], op.operationId).toBeUndefined();
    }
  });

  it('gives read operations calling P100 no table at all, and other writes calling P100 only the idempotency table', () => {
    // Card block/unblock/delete (`cardLedger`) move the ledger's card themselves (shared/ledger-recording/user-steps.ts).
    for (const op of operations.filter((o) => o.kind !== 'money' && o.upstream && !o.userLedger && !o.cardLedger && !o.resources?.data?.length)) {
      const fn = functionNamed(s, op.operationId)!;
      const tables = [ENV.ledgerTable, ENV.idempotencyTable, ENV.inboxTable].filter((v) => fn.env[v] !== undefined);
      expect(tables, op.operationId).toEqual(op.kind === 'read' ? [] : [ENV.idempotencyTable]);
      if (op.kind === 'read')
        expect(
          actionsOf(fn).filter((a) => a.startsWith('dynamodb:')),
          op.operationId,
        ).toEqual([]);
    }
  });

  it('sets each environment variable exactly where the matching grant is, on every function', () => {
    const pairs: Array<[string, (fn: DeployedFunction) => boolean]> = [
      [ENV.apiKeySecretId, (fn) => touches(fn, 'ApiKeySecret')],
      [ENV.p100BaseUrl, (fn) => touches(fn, 'ApiKeySecret')],
      [ENV.webhookTokenSecretId, (fn) => touches(fn, 'WebhookTokenSecret')],
      [ENV.ledgerTable, (fn) => touches(fn, 'LedgerTable')],
      [ENV.inboxTable, (fn) => touches(fn, 'InboxTable')],
      [ENV.idempotencyTable, (fn) => touches(fn, 'IdempotencyTable')],
      [ENV.webhookQueueUrl, (fn) => withAction(fn, 'sqs:SendMessage').some((st) => JSON.stringify(st.Resource).includes('WebhookQueue'))],
      [ENV.reconcileQueueUrl, (fn) => withAction(fn, 'sqs:SendMessage').some((st) => JSON.stringify(st.Resource).includes('ReconcileQueue'))],
      [ENV.eventBusName, (fn) => actionsOf(fn).includes('events:PutEvents')],
      [ENV.reconcileFunctionName, (fn) => actionsOf(fn).includes('lambda:InvokeFunction')],
      [ENV.uploadBucket, (fn) => actionsOf(fn).some((a) => a.startsWith('s3:'))],
      [ENV.dataKeySecretId, (fn) => touches(fn, 'DataKeySecret')],
    ];
    for (const { spec, fn } of everyFunction()) {
      for (const [name, granted] of pairs) expect(fn.env[name] !== undefined, `${spec.name}: ${name}`).toBe(granted(fn));
    }
  });

  it('sets WEBHOOK_PATH_OVERRIDES on no function: in AWS the routes carry the paths', () => {
    const moved = synthSuite({ webhookPathOverrides: JSON.stringify({ [webhooks[0]!.name]: '/webhook/moved' }) });
    const fns = moved.stacks.flatMap((x) => Object.values(x.template.findResources('AWS::Lambda::Function')));
    expect(fns.filter((f) => JSON.stringify(f.Properties.Environment).includes(ENV.webhookPathOverrides))).toEqual([]);
    expect(routeFor(moved, 'POST /webhook/moved')?.functionLogicalId).toBe(functionNamed(moved, webhookFunctionName(webhooks[0]!.name))!.logicalId);
  });

  it('gives the health probe no data, secret or queue access at all', () => {
    const fn = functionNamed(s, webhookFunctionName('health'))!;
    expect(actionsOf(fn).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual([]);
  });

  it('sets only environment variables that ENV documents', () => {
    // The data key's variable joins ENV in the data part of issue 12 (same name); until then access.ts names it.
    const documented = new Set<string>(Object.values(ENV));
    for (const { spec, fn } of everyFunction()) {
      for (const name of Object.keys(fn.env)) expect(documented.has(name), `${spec.name}: ${name}`).toBe(true);
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

  it.runIf(has('addKycFile'))('lets addKycFile read uploaded objects but not write them, and list only the upload prefix (a missing key is a 404)', () => {
    const fn = functionNamed(s, 'addKycFile')!;
    expect(actionsOf(fn).filter((a) => a.startsWith('s3:'))).toEqual(['s3:GetObject', 's3:ListBucket']);
    const list = fn.statements.find((st) => JSON.stringify(st.Action).includes('s3:ListBucket'));
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['uploads/*'] } });
  });

  it.runIf(has('startReconciliation'))('lets startReconciliation invoke the reconcile function and no other', () => {
    const fn = functionNamed(s, 'startReconciliation')!;
    const invoke = fn.statements.filter((st) => JSON.stringify(st.Action).includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    expect(JSON.stringify(invoke[0]!.Resource)).toMatch(/function:p100-staging-reconcile"/);
    expect(fn.env[ENV.reconcileFunctionName]).toBe('p100-staging-reconcile');
  });

  it('gives the processor the inbox, the ledger, the bus and read access to the webhook token (sealed card codes) and the data key, never the API key', () => {
    const fn = functionNamed(s, 'webhookProcessor')!;
    expect(touches(fn, 'InboxTable') && touches(fn, 'LedgerTable') && actionsOf(fn).includes('events:PutEvents')).toBe(true);
    expect(secretsReached(fn)).toEqual(['DataKeySecret', 'WebhookTokenSecret']);
    for (const st of secretStatements(fn)) expect([st.Action].flat().sort()).toEqual(['secretsmanager:GetSecretValue']);
    expect(fn.env[ENV.webhookTokenSecretId]).toBeDefined();
    expect(touches(fn, 'ApiKeySecret') || fn.env[ENV.apiKeySecretId] !== undefined).toBe(false);
  });

  it('gives reconcile the API key, the ledger, the reconcile queue, the bus and an invoke of itself (to go on after its timeout)', () => {
    const fn = functionNamed(s, 'reconcile')!;
    expect(touches(fn, 'ApiKeySecret') && touches(fn, 'LedgerTable') && touches(fn, 'ReconcileQueue')).toBe(true);
    expect(actionsOf(fn)).toEqual(expect.arrayContaining(['events:PutEvents', 'sqs:SendMessage', 'lambda:InvokeFunction']));
    const invoke = withAction(fn, 'lambda:InvokeFunction');
    expect(invoke).toHaveLength(1);
    expect(JSON.stringify(invoke[0]!.Resource)).toMatch(/function:p100-staging-reconcile"/);
    expect(fn.env[ENV.reconcileFunctionName]).toBe('p100-staging-reconcile');
    expect(touches(fn, 'WebhookTokenSecret')).toBe(false);
  });

  it('gives reconcileUsers the API key, the ledger and the bus; it only consumes the reconcile queue', () => {
    const fn = functionNamed(s, 'reconcileUsers')!;
    expect(touches(fn, 'ApiKeySecret') && touches(fn, 'LedgerTable') && actionsOf(fn).includes('events:PutEvents')).toBe(true);
    expect(actionsOf(fn)).not.toContain('sqs:SendMessage');
    expect(actionsOf(fn)).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
  });

  it.runIf(has('replayDeadInboxEvents'))(
    'lets replayDeadInboxEvents read/write the inbox, send to the webhook queue and record who replayed, and nothing else',
    () => {
      const fn = functionNamed(s, 'replayDeadInboxEvents')!;
      // Besides the inbox and the queue: the Idempotency-Key every write accepts (its table and the data key), and
      // one PutItem on the ledger table per replayed event, the operators' audit trail (issue 26).
      expect(fn.statements.filter((st) => JSON.stringify(st.Resource).includes('LedgerTable')).flatMap((st) => [st.Action].flat())).toEqual([
        'dynamodb:PutItem',
      ]);
      const own = ['InboxTable', 'WebhookQueue', 'IdempotencyTable', 'DataKeySecret', 'LedgerTable'];
      const other = fn.statements.filter((st) => !own.some((name) => JSON.stringify(st.Resource).includes(name)));
      expect(
        other.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action])).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:')),
      ).toEqual([]);
      expect(actionsOf(fn)).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:UpdateItem', 'sqs:SendMessage']));
      expect(Object.keys(fn.env).sort()).toEqual(
        [ENV.inboxTable, ENV.stage, ENV.webhookQueueUrl, ENV.idempotencyTable, ENV.dataKeySecretId, ENV.ledgerTable].sort(),
      );
    },
  );

  it('gives every job a function and the OpenAPI document nothing', () => {
    for (const job of jobs) expect(functionNamed(s, job.name), job.name).toBeDefined();
    expect(dataActions(functionNamed(s, 'openapi')!)).toEqual([]);
  });
});
