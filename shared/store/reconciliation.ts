import { ENV } from '../config/env.js';
import { tableName } from './client.js';
import { send, sendConditional, updateExpression } from './dynamo.js';

/**
 * Reconciliation's own items, in the ledger table (conditional writes only, like the rest of the ledger):
 *
 * | pk | sk | what |
 * |---|---|---|
 * | `RECON#RUN#<runId>` | `RUN` | the run: status, window, phase, counts once finished |
 * | `RECON#RUN#<runId>` | `ACC#<account>` | per-account progress: history cursor + matched count (the page checkpoint) |
 * | `RECON#RUN#<runId>` | `D#<key>` | one discrepancy (key = what it is about, so a re-run writes the same item) |
 * | `RECON#RUN#<runId>` | `BATCH#<n>` | one user batch of the sweep and whether it is done |
 * | `RECON#ACTIVE` | `LOCK` | the run in progress (one at a time) |
 * | `RECON#LATEST` | `LATEST` | the last finished run |
 * | `RECON#CHECKPOINT` | `CHECKPOINT` | where the next run's history window starts |
 * | `RECON#RUNS` | `RUN#<requestedAt>#<runId>` | the run list, newest first by sk (operator console) |
 * | `RECON#QUARANTINE` | `Q#<type>#<id>` | an item a run gave up on (unsafe id, threw, ran past its budget): later runs skip it |
 */

const table = () => tableName(ENV.ledgerTable);
export const runPk = (runId: string) => `RECON#RUN#${runId}`;
const ACTIVE = { pk: 'RECON#ACTIVE', sk: 'LOCK' } as const;
const LATEST = { pk: 'RECON#LATEST', sk: 'LATEST' } as const;
const CHECKPOINT = { pk: 'RECON#CHECKPOINT', sk: 'CHECKPOINT' } as const;
const RUNS = { pk: 'RECON#RUNS' } as const;
const QUARANTINE = 'RECON#QUARANTINE';

export type RunStatus = 'RUNNING' | 'FINALIZING' | 'COMPLETED' | 'FAILED';
export type RunPhase = 'pending' | 'partner' | 'fanout' | 'sweep' | 'finalize' | 'done';
export type RunTrigger = 'schedule' | 'api' | 'local';

export interface RunWindow {
  /** Inclusive; absent on the first run (the whole history). */
  from?: string;
  /** Exclusive: the run's start. */
  to: string;
}

export interface RunItem {
  pk: string;
  sk: 'RUN';
  runId: string;
  status: RunStatus;
  phase: RunPhase;
  trigger: RunTrigger;
  requestedAt: string;
  window: RunWindow;
  leaseUntil: string;
  /** Resumes the fan-out after a crash. */
  fanoutCursor?: Record<string, unknown>;
  batchesSent: number;
  batchesDone: number;
  /** Set once every batch has been sent. */
  batchesExpected?: number;
  counts?: Record<string, number>;
  discrepancyCount?: number;
  eventsUnpublished?: number;
  /** sk of the last discrepancy whose event was published (events go out in sk order, at least once). */
  publishedThrough?: string;
  finishedAt?: string;
  /** Why the run FAILED (the liveness watch: `stalled: ...`). */
  error?: string;
  /** When the run last showed progress (a page, a checkpoint, a phase): the liveness watch reads it. */
  progressAt?: string;
}

export type DiscrepancyClass =
  | 'missing-here'
  | 'missing-at-p100'
  | 'amount-mismatch'
  | 'status-mismatch'
  | 'stale-pending'
  | 'unknown-resolved'
  | 'unknown-failed'
  | 'user-missing-at-p100'
  | 'user-state-mismatch'
  /** An item the run gave up on: an unsafe id or status from P100, or work that threw or ran past its budget. */
  | 'quarantined';

export const DISCREPANCY_CLASSES: readonly DiscrepancyClass[] = [
  'missing-here',
  'missing-at-p100',
  'amount-mismatch',
  'status-mismatch',
  'stale-pending',
  'unknown-resolved',
  'unknown-failed',
  'user-missing-at-p100',
  'user-state-mismatch',
  'quarantined',
];

export interface Discrepancy {
  class: DiscrepancyClass;
  /** Operation type (`EXCHANGE`, ...) or `USER`. */
  type: string;
  /** P100's id of the operation (or ours, `unknown:...`), or the externalUserId. */
  id: string;
  ours: Record<string, unknown> | null;
  theirs: Record<string, unknown> | null;
  repaired: boolean;
  /** Which history it was found in (`partner`, `user:<id>`), when it came from history. */
  account?: string;
  note?: string;
  at: string;
}

export interface DiscrepancyItem extends Discrepancy {
  pk: string;
  sk: string;
}

/** Where an account's history read resumes: p100/reads.ts's HistoryCursor (the same shape; the store does not import reconciliation). */
export interface ProgressCursor {
  createdAt: string;
  id: string;
}

export interface ProgressItem {
  cursor?: ProgressCursor;
  matched: number;
  entries: number;
  unreadable: number;
  pages: number;
  done: boolean;
}

// --- runs -------------------------------------------------------------------------------------------------

export async function putRun(run: Omit<RunItem, 'pk' | 'sk'>): Promise<boolean> {
  const created = await sendConditional(
    (lib) => new lib.PutCommand({ TableName: table(), Item: { pk: runPk(run.runId), sk: 'RUN', ...run }, ConditionExpression: 'attribute_not_exists(pk)' }),
  );
  // The run list (operator console): one partition, sk = start time (ms) then runId, newest last. The runId
  // alone does not sort: it has whole seconds and a random suffix. A plain put: the same item again is
  // harmless, and without it the run still works; only the list would miss it.
  if (created)
    await send(
      (lib) =>
        new lib.PutCommand({
          TableName: table(),
          Item: { ...RUNS, sk: runListSk(run.requestedAt, run.runId), runId: run.runId, requestedAt: run.requestedAt },
        }),
    );
  return created;
}

const runListSk = (requestedAt: string, runId: string) => `RUN#${requestedAt}#${runId}`;

/** The runIds of the most recent runs, newest first (items written by {@link putRun}); `before` (a run) pages on. */
export async function listRunIds(limit: number, before?: Pick<RunItem, 'requestedAt' | 'runId'>): Promise<{ runIds: string[]; more: boolean }> {
  const out = await send(
    (lib) =>
      new lib.QueryCommand({
        TableName: table(),
        KeyConditionExpression: before ? 'pk = :pk AND sk < :b' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': RUNS.pk, ...(before ? { ':b': runListSk(before.requestedAt, before.runId) } : {}) },
        ScanIndexForward: false,
        Limit: limit,
      }),
  );
  const runIds = ((out.Items ?? []) as { runId: string }[]).map((i) => i.runId);
  return { runIds, more: out.LastEvaluatedKey !== undefined };
}

export async function getRun(runId: string): Promise<RunItem | undefined> {
  const out = await send((lib) => new lib.GetCommand({ TableName: table(), Key: { pk: runPk(runId), sk: 'RUN' }, ConsistentRead: true }));
  return out.Item as RunItem | undefined;
}

/** Sets fields of a run; with `when`, only if the run's status is one of those (returns false otherwise). */
export async function updateRun(runId: string, fields: Partial<Omit<RunItem, 'pk' | 'sk' | 'runId'>>, when?: readonly RunStatus[]): Promise<boolean> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  let condition = 'attribute_exists(pk)';
  if (when) {
    names['#st'] = 'status';
    for (const [i, s] of when.entries()) values[`:w${i}`] = s;
    condition += ` AND #st IN (${when.map((_, i) => `:w${i}`).join(', ')})`;
  }
  const update = updateExpression({ set: fields, names, values });
  return sendConditional(
    (lib) => new lib.UpdateCommand({ TableName: table(), Key: { pk: runPk(runId), sk: 'RUN' }, ...update, ConditionExpression: condition }),
  );
}

/** Counts one finished batch; returns the run after the increment. */
export async function addBatchDone(runId: string): Promise<RunItem> {
  const out = await send(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: { pk: runPk(runId), sk: 'RUN' },
        UpdateExpression: 'ADD batchesDone :one SET progressAt = :now',
        ExpressionAttributeValues: { ':one': 1, ':now': new Date().toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
  );
  return out.Attributes as RunItem;
}

// --- the one active run -------------------------------------------------------------------------------------

export interface ActiveLock {
  runId: string;
  leaseUntil: string;
}

export async function getActive(): Promise<ActiveLock | undefined> {
  const out = await send((lib) => new lib.GetCommand({ TableName: table(), Key: ACTIVE, ConsistentRead: true }));
  return out.Item as ActiveLock | undefined;
}

/** Takes the lock for `runId` if it is free, expired, or already ours. */
export async function acquireActive(runId: string, leaseUntil: string, now: string): Promise<boolean> {
  return sendConditional(
    (lib) =>
      new lib.PutCommand({
        TableName: table(),
        Item: { ...ACTIVE, runId, leaseUntil },
        ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now OR runId = :me',
        ExpressionAttributeValues: { ':now': now, ':me': runId },
      }),
  );
}

/**
 * Extends the lease of the run (progress shown); a no-op if another run holds the lock. Also moves the run's
 * `progressAt`, which the liveness watch reads (a run whose progressAt stands still is stalled).
 */
export async function heartbeat(runId: string, leaseUntil: string): Promise<void> {
  await updateRun(runId, { progressAt: new Date().toISOString() });
  await sendConditional(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: ACTIVE,
        UpdateExpression: 'SET leaseUntil = :l',
        ConditionExpression: 'runId = :me',
        ExpressionAttributeValues: { ':l': leaseUntil, ':me': runId },
      }),
  );
}

export async function releaseActive(runId: string): Promise<void> {
  await sendConditional(
    (lib) => new lib.DeleteCommand({ TableName: table(), Key: ACTIVE, ConditionExpression: 'runId = :me', ExpressionAttributeValues: { ':me': runId } }),
  );
}

export async function getLatestRunId(): Promise<string | undefined> {
  const out = await send((lib) => new lib.GetCommand({ TableName: table(), Key: LATEST, ConsistentRead: true }));
  return (out.Item as { runId: string } | undefined)?.runId;
}

export async function setLatest(runId: string, finishedAt: string): Promise<void> {
  await send((lib) => new lib.PutCommand({ TableName: table(), Item: { ...LATEST, runId, finishedAt } }));
}

export async function getCheckpoint(): Promise<{ windowTo: string; runId: string } | undefined> {
  const out = await send((lib) => new lib.GetCommand({ TableName: table(), Key: CHECKPOINT, ConsistentRead: true }));
  return out.Item as { windowTo: string; runId: string } | undefined;
}

/** Moves the checkpoint forward only (a late finisher of an older run never moves it back). */
export async function setCheckpoint(windowTo: string, runId: string): Promise<void> {
  await sendConditional(
    (lib) =>
      new lib.PutCommand({
        TableName: table(),
        Item: { ...CHECKPOINT, windowTo, runId },
        ConditionExpression: 'attribute_not_exists(pk) OR windowTo < :t',
        ExpressionAttributeValues: { ':t': windowTo },
      }),
  );
}

// --- per-account progress (the page checkpoint) ----------------------------------------------------------------

const accSk = (account: string) => `ACC#${account}`;

export async function getProgress(runId: string, account: string): Promise<ProgressItem | undefined> {
  const out = await send((lib) => new lib.GetCommand({ TableName: table(), Key: { pk: runPk(runId), sk: accSk(account) }, ConsistentRead: true }));
  return out.Item as ProgressItem | undefined;
}

export class ProgressConflictError extends Error {
  override readonly name = 'ProgressConflictError';
  constructor(account: string) {
    super(`Another worker advanced the reconciliation of ${account} first; this one stops (its page is counted once, by the winner)`);
  }
}

/**
 * Advances an account's cursor past one page and adds the page's counts, in one conditional write: the
 * cursor must still be where this worker read it. So a page is counted exactly once per run even when a
 * crashed worker's page is processed again, or two workers race on one account.
 */
export async function advanceProgress(
  runId: string,
  account: string,
  previous: ProgressCursor | undefined,
  next: ProgressCursor | undefined,
  add: { matched: number; entries: number; unreadable: number; pages: number },
  done: boolean,
): Promise<void> {
  const values: Record<string, unknown> = { ':false': false };
  let condition = 'attribute_not_exists(#cursor)';
  if (previous) {
    condition = '#cursor.createdAt = :pc AND #cursor.id = :pi';
    values[':pc'] = previous.createdAt;
    values[':pi'] = previous.id;
  }
  const update = updateExpression({ set: { done, cursor: next }, add: { ...add }, names: { '#cursor': 'cursor', '#done': 'done' }, values });
  const advanced = await sendConditional(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: { pk: runPk(runId), sk: accSk(account) },
        ...update,
        ConditionExpression: `(attribute_not_exists(#done) OR #done = :false) AND ${condition}`,
      }),
  );
  if (!advanced) throw new ProgressConflictError(account);
}

// --- discrepancies ---------------------------------------------------------------------------------------------

/** Records a discrepancy once per run and key; returns false if this run had already recorded it. */
export async function putDiscrepancy(runId: string, key: string, d: Discrepancy): Promise<boolean> {
  return sendConditional(
    (lib) => new lib.PutCommand({ TableName: table(), Item: { pk: runPk(runId), sk: `D#${key}`, ...d }, ConditionExpression: 'attribute_not_exists(pk)' }),
  );
}

/**
 * Writes a page's self-marking discrepancies, 25 per BatchWriteItem. Plain puts: re-writing one after a
 * crash writes the same facts again (its repair left a mark on the ledger), so no condition is needed.
 */
export async function putDiscrepancies(runId: string, items: readonly { key: string; d: Discrepancy }[]): Promise<void> {
  const unique = [...new Map(items.map((i) => [i.key, i])).values()];
  for (let i = 0; i < unique.length; i += 25) {
    let pending = unique.slice(i, i + 25).map((x) => ({ PutRequest: { Item: { pk: runPk(runId), sk: `D#${x.key}`, ...x.d } } }));
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const res = await send((lib) => new lib.BatchWriteCommand({ RequestItems: { [table()]: pending } }));
      pending = (res.UnprocessedItems?.[table()] ?? []) as typeof pending;
    }
  }
}

export async function markDiscrepancy(runId: string, key: string, fields: { repaired?: boolean; note?: string }): Promise<void> {
  const update = updateExpression({ set: fields });
  await send((lib) => new lib.UpdateCommand({ TableName: table(), Key: { pk: runPk(runId), sk: `D#${key}` }, ...update }));
}

// --- user batches -------------------------------------------------------------------------------------------------

const batchSk = (n: number) => `BATCH#${String(n).padStart(8, '0')}`;

export interface BatchItem {
  batch: number;
  users: string[];
  done: boolean;
}

export async function putBatch(runId: string, batch: number, users: string[]): Promise<void> {
  await sendConditional(
    (lib) =>
      new lib.PutCommand({
        TableName: table(),
        Item: { pk: runPk(runId), sk: batchSk(batch), batch, users, done: false },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
  );
}

export async function getBatch(runId: string, batch: number): Promise<BatchItem | undefined> {
  const out = await send((lib) => new lib.GetCommand({ TableName: table(), Key: { pk: runPk(runId), sk: batchSk(batch) }, ConsistentRead: true }));
  return out.Item as BatchItem | undefined;
}

/** Marks a batch done; true only for the first caller (a redelivered message does not count twice). */
export async function markBatchDone(runId: string, batch: number): Promise<boolean> {
  return sendConditional(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: { pk: runPk(runId), sk: batchSk(batch) },
        UpdateExpression: 'SET done = :t',
        ConditionExpression: 'attribute_exists(pk) AND done = :f',
        ExpressionAttributeValues: { ':t': true, ':f': false },
      }),
  );
}

// --- reading a run's items, page by page ---------------------------------------------------------------------------

/** Items of a run whose sk starts with `prefix`, streamed a page at a time (flat memory). */
export async function* runItems<T>(runId: string, prefix: string, opts: { after?: string; pageLimit?: number } = {}): AsyncGenerator<T[]> {
  let cursor: Record<string, unknown> | undefined = opts.after ? { pk: runPk(runId), sk: opts.after } : undefined;
  do {
    const out = await send(
      (lib) =>
        new lib.QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': runPk(runId), ':p': prefix },
          ConsistentRead: true,
          Limit: opts.pageLimit ?? 200,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
    );
    yield (out.Items ?? []) as T[];
    cursor = out.LastEvaluatedKey;
  } while (cursor);
}

/** Notes that a user's state was compared in this run (idempotent: counted once at finalize). */
export async function markUserStateChecked(runId: string, account: string): Promise<void> {
  await send(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: { pk: runPk(runId), sk: accSk(account) },
        UpdateExpression: 'SET stateChecked = :t',
        ExpressionAttributeValues: { ':t': true },
      }),
  );
}

// --- quarantine ---------------------------------------------------------------------------------------------------------

/** An item a run gave up on; later runs skip it until an operator removes it (docs/runbook.md). */
export interface QuarantineItem {
  /** Operation type, `USER`, or `HISTORY` (an entry whose type itself is unsafe). */
  type: string;
  /** The id when it is safe, else its `unsafe:<digest>` stand-in (shared/safe-id.ts). */
  id: string;
  reason: string;
  runId: string;
  at: string;
}

const quarantineSk = (type: string, id: string) => `Q#${type}#${id}`;

/** Records a quarantined item (a plain put: quarantining it again keeps the latest reason). */
export async function putQuarantine(q: QuarantineItem): Promise<void> {
  await send((lib) => new lib.PutCommand({ TableName: table(), Item: { pk: QUARANTINE, sk: quarantineSk(q.type, q.id), ...q } }));
}

export async function isQuarantined(type: string, id: string): Promise<boolean> {
  const out = await send((lib) => new lib.GetCommand({ TableName: table(), Key: { pk: QUARANTINE, sk: quarantineSk(type, id) }, ConsistentRead: true }));
  return out.Item !== undefined;
}
