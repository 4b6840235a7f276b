/**
 * The store's one way to DynamoDB (shared/store/dynamo.ts): counted round trips, a failed condition as an
 * answer, and update expressions whose placeholders all line up. No network: a fake document client
 * through setDocumentClient records the commands and answers as the test says.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { roundTrips, setDocumentClient } from '../../shared/store/client.js';
import { send, sendConditional, sendIfConditionHolds, updateExpression } from '../../shared/store/dynamo.js';
import { applyStatus, clearVerification, recordOperation } from '../../shared/store/ledger.js';
import { advanceProgress, markDiscrepancy, updateRun } from '../../shared/store/reconciliation.js';
import { upsertUser } from '../../shared/store/ledger-users.js';
import { IdempotencyStore } from '../../shared/idempotency/persistence.js';
import { markInboxProcessed, markInboxReplayed } from '../../shared/store/inbox.js';

interface SentCommand {
  constructor: { name: string };
  input: Record<string, unknown>;
}

const conditionFailed = (): Error => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

let sent: SentCommand[];
let answer: (c: SentCommand) => unknown;

beforeEach(() => {
  process.env.LEDGER_TABLE ??= 'ledger';
  process.env.INBOX_TABLE ??= 'inbox';
  process.env.IDEMPOTENCY_TABLE ??= 'idempotency';
  sent = [];
  answer = () => ({});
  setDocumentClient({
    send: async (c: SentCommand) => {
      sent.push(c);
      const a = answer(c);
      if (a instanceof Error) throw a;
      return a;
    },
  } as unknown as Parameters<typeof setDocumentClient>[0]);
});

afterEach(() => setDocumentClient(undefined));

describe('send', () => {
  it('sends the command built from the lib-dynamodb classes, counts one round trip and answers the output', async () => {
    answer = () => ({ Item: { pk: 'a' } });
    const before = roundTrips.count;
    const out = await send((lib) => new lib.GetCommand({ TableName: 't', Key: { pk: 'a' } }));
    expect(out.Item).toEqual({ pk: 'a' });
    expect(roundTrips.count - before).toBe(1);
    expect(sent.map((c) => c.constructor.name)).toEqual(['GetCommand']);
    expect(sent[0]!.input).toEqual({ TableName: 't', Key: { pk: 'a' } });
  });
});

describe('sendConditional', () => {
  it('is true when the write went through', async () => {
    await expect(
      sendConditional((lib) => new lib.PutCommand({ TableName: 't', Item: { pk: 'a' }, ConditionExpression: 'attribute_not_exists(pk)' })),
    ).resolves.toBe(true);
  });

  it('is false when the condition failed, and the failed attempt is still a counted round trip', async () => {
    answer = conditionFailed;
    const before = roundTrips.count;
    await expect(
      sendConditional((lib) => new lib.PutCommand({ TableName: 't', Item: { pk: 'a' }, ConditionExpression: 'attribute_not_exists(pk)' })),
    ).resolves.toBe(false);
    expect(roundTrips.count - before).toBe(1);
  });

  it('throws any other error unchanged', async () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
    answer = () => throttled;
    await expect(sendConditional((lib) => new lib.DeleteCommand({ TableName: 't', Key: { pk: 'a' } }))).rejects.toBe(throttled);
  });
});

describe('sendIfConditionHolds', () => {
  it('answers the output of a write that went through, undefined for a failed condition', async () => {
    answer = () => ({ Attributes: { v: 2 } });
    const ok = await sendIfConditionHolds(
      (lib) =>
        new lib.UpdateCommand({
          TableName: 't',
          Key: { pk: 'a' },
          UpdateExpression: 'SET v = :v',
          ExpressionAttributeValues: { ':v': 2 },
          ReturnValues: 'ALL_NEW',
        }),
    );
    expect(ok?.Attributes).toEqual({ v: 2 });
    answer = conditionFailed;
    await expect(
      sendIfConditionHolds(
        (lib) => new lib.UpdateCommand({ TableName: 't', Key: { pk: 'a' }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': 2 } }),
      ),
    ).resolves.toBeUndefined();
  });
});

describe('updateExpression', () => {
  it('writes SET, if_not_exists, ADD and REMOVE clauses with one name and one value placeholder per attribute', () => {
    expect(updateExpression({ set: { status: 'DONE', note: undefined }, setIfAbsent: { createdAt: 'T' }, add: { pages: 2 }, remove: ['verify'] })).toEqual({
      UpdateExpression: 'SET #status = :status, #createdAt = if_not_exists(#createdAt, :createdAt) ADD #pages :pages REMOVE #verify',
      ExpressionAttributeNames: { '#status': 'status', '#createdAt': 'createdAt', '#pages': 'pages', '#verify': 'verify' },
      ExpressionAttributeValues: { ':status': 'DONE', ':createdAt': 'T', ':pages': 2 },
    });
  });

  it('keeps written-out clauses and the placeholders they (and a condition) use; leaves out empty maps', () => {
    expect(updateExpression({ setClauses: ['#h = list_append(#h, :c)'], names: { '#h': 'history' }, values: { ':c': [1] } })).toEqual({
      UpdateExpression: 'SET #h = list_append(#h, :c)',
      ExpressionAttributeNames: { '#h': 'history' },
      ExpressionAttributeValues: { ':c': [1] },
    });
    expect(updateExpression({ remove: ['lease'] })).toEqual({ UpdateExpression: 'REMOVE #lease', ExpressionAttributeNames: { '#lease': 'lease' } });
  });

  it('refuses what DynamoDB would refuse or misread: nothing to update, a path as a name, one placeholder for two things', () => {
    expect(() => updateExpression({ set: { a: undefined } })).toThrow(/nothing to update/);
    expect(() => updateExpression({ set: { 'facts.kyc': 1 } })).toThrow(/no plain attribute name/);
    expect(() => updateExpression({ set: { status: 'A' }, values: { ':status': 'B' } })).toThrow(/two values/);
    expect(() => updateExpression({ set: { status: 'A' }, names: { '#status': 'state' } })).toThrow(/names both/);
  });
});

/** Every placeholder a command declares is used by one of its expressions, and every one used is declared (DynamoDB rejects both). */
function expectPlaceholdersLineUp(c: SentCommand): void {
  const text = ['UpdateExpression', 'ConditionExpression', 'KeyConditionExpression', 'FilterExpression']
    .map((k) => (c.input[k] as string | undefined) ?? '')
    .join(' ');
  const used = (prefix: '#' | ':') => new Set([...text.matchAll(new RegExp(`${prefix}[A-Za-z0-9_]+`, 'g'))].map((m) => m[0]));
  const declared = (k: string) => new Set(Object.keys((c.input[k] as Record<string, unknown> | undefined) ?? {}));
  expect(declared('ExpressionAttributeNames'), `${c.constructor.name} names: ${text}`).toEqual(used('#'));
  expect(declared('ExpressionAttributeValues'), `${c.constructor.name} values: ${text}`).toEqual(used(':'));
}

describe('the store builds updates DynamoDB accepts', () => {
  it('declares exactly the placeholders its expressions use, on every update path through the builder', async () => {
    await applyStatus({ type: 'EXCHANGE', id: 'e1', status: 'PROCESSING', source: 'webhook', amount: '1.5', details: { a: 1 } });
    await applyStatus({ type: 'EXCHANGE', id: 'e1', status: 'COMPLETED', source: 'webhook' });
    await applyStatus({ type: 'EXCHANGE', id: 'e1', status: 'COMPLETED', source: 'reconciliation', force: true, upsert: true });
    await upsertUser({ externalUserId: 'u1', p100UserId: 'p1', model: 'KYC' });
    await upsertUser({ externalUserId: 'u1' });
    await updateRun('r1', { phase: 'sweep', status: 'RUNNING' }, ['RUNNING', 'FINALIZING']);
    await markDiscrepancy('r1', 'k', { repaired: true });
    await advanceProgress('r1', 'partner', undefined, { createdAt: 'T', id: 'x' }, { matched: 1, entries: 2, unreadable: 0, pages: 1 }, false);
    await advanceProgress('r1', 'partner', { createdAt: 'T', id: 'x' }, undefined, { matched: 0, entries: 0, unreadable: 0, pages: 1 }, true);
    await markInboxReplayed('ev1', 'T');
    await markInboxProcessed('ev1', 'T');
    await new IdempotencyStore({ table: 'idempotency' }).complete(
      'pk',
      'tok',
      'ACCEPTED',
      { statusCode: 200, body: '{}', headers: {} },
      { type: 'EXCHANGE', id: 'e1' },
    );
    const updates = sent.filter((c) => c.constructor.name === 'UpdateCommand');
    expect(updates.length).toBe(12);
    for (const c of updates) expectPlaceholdersLineUp(c);
  });

  it('declares exactly the placeholders of a rejected change kept in history, with and without a verify mark', async () => {
    // The transition's condition fails, the operation reads PENDING: the change is appended, not applied.
    answer = (c) =>
      c.constructor.name === 'GetCommand' ? { Item: { status: 'PENDING', version: 1 } } : c.input.ReturnValues === 'UPDATED_OLD' ? conditionFailed() : {};
    await expect(applyStatus({ type: 'EXCHANGE', id: 'e3', status: 'COMPLETED', source: 'api' })).resolves.toMatchObject({ applied: false, reason: 'invalid' });
    await expect(applyStatus({ type: 'EXCHANGE', id: 'e3', status: 'COMPLETED', source: 'webhook' })).resolves.toMatchObject({
      applied: false,
      reason: 'invalid',
    });
    const kept = sent.filter((c) => c.constructor.name === 'UpdateCommand' && c.input.ReturnValues === undefined);
    expect(kept.map((c) => c.input.UpdateExpression)).toEqual([
      'SET #history = list_append(#history, :change)',
      'SET #verify = :verify, #history = list_append(#history, :change), #gsi1pk = :open, #gsi1sk = if_not_exists(#gsi1sk, :g1s)',
    ]);
    for (const c of kept) expectPlaceholdersLineUp(c);
  });

  it('an applied change leaves the open index at a final status and stays on it otherwise', async () => {
    await applyStatus({ type: 'EXCHANGE', id: 'e1', status: 'PROCESSING', source: 'webhook' });
    await applyStatus({ type: 'EXCHANGE', id: 'e1', status: 'COMPLETED', source: 'webhook' });
    const [open, final] = sent.map((c) => c.input.UpdateExpression as string);
    expect(open).toMatch(/#gsi1pk = :open/);
    expect(open).toMatch(/REMOVE #verify$/);
    expect(final).toMatch(/REMOVE #gsi1pk, #gsi1sk, #verify$/);
    expect(sent[0]!.input.ConditionExpression).toMatch(/^attribute_exists\(pk\) AND #status IN \(:from0/);
  });

  it('a failed condition is an answer: a duplicate put goes on to apply the status, a stale verify mark is left alone', async () => {
    answer = (c) =>
      c.constructor.name === 'PutCommand' ? conditionFailed() : c.constructor.name === 'GetCommand' ? { Item: { status: 'PENDING', version: 1 } } : {};
    await expect(recordOperation({ type: 'EXCHANGE', id: 'e2', status: 'PROCESSING', source: 'api' })).resolves.toEqual({ created: false, applied: true });
    answer = conditionFailed;
    await expect(clearVerification({ type: 'EXCHANGE', id: 'e2', status: 'PROCESSING' })).resolves.toBeUndefined();
  });
});
