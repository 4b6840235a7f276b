import { randomBytes } from 'node:crypto';
import { ENV } from '../config/env.js';
import { tableName } from './client.js';
import { send, sendConditional, updateExpression } from './dynamo.js';

/**
 * The exception queue (issue 26) and the operators' audit trail, in the ledger table beside reconciliation's
 * items (conditional writes only, like the rest of the ledger). Nothing here touches money: an operator who
 * resolves an exception writes an audit entry and the exception's state, never a ledger operation.
 *
 * | pk | sk | what |
 * |---|---|---|
 * | `EXC#LIST` | `E#<exceptionId>` | one exception: a discrepancy reconciliation could not repair, across runs |
 * | `AUDIT#<subject>` | `<at>#<random>` | one operator action about a subject (user, operation, inbox event, `BY#<operator>`) |
 *
 * `exceptionId` is `<class>:<type>:<id>` (what the discrepancy is about: its class and the operation or user),
 * so the same discrepancy found again by a later run is the same exception.
 */

const table = () => tableName(ENV.ledgerTable);
const LIST_PK = 'EXC#LIST';
const auditPk = (subject: string) => `AUDIT#${subject}`;

export type ExceptionState = 'open' | 'acknowledged' | 'resolved' | 'fixed-at-p100';
export const EXCEPTION_STATES: readonly ExceptionState[] = ['open', 'acknowledged', 'resolved', 'fixed-at-p100'];

export interface ExceptionItem {
  exceptionId: string;
  class: string;
  /** Operation type (`EXCHANGE`, ...) or `USER`. */
  type: string;
  /** P100's id of the operation (or ours), or the externalUserId. */
  id: string;
  externalUserId?: string;
  state: ExceptionState;
  firstSeen: string;
  lastSeen: string;
  /** Runs that reported it. */
  count: number;
  firstRunId: string;
  lastRunId: string;
  ours: Record<string, unknown> | null;
  theirs: Record<string, unknown> | null;
  note?: string;
  owner?: string;
  updatedAt: string;
  updatedBy: string;
  /** Bumped on every change: an operator's change is conditional on the version it read. */
  version: number;
}

export const exceptionIdOf = (cls: string, type: string, id: string) => `${cls}:${type}:${id}`;

export async function getException(exceptionId: string): Promise<ExceptionItem | undefined> {
  const { Item } = await send((lib) => new lib.GetCommand({ TableName: table(), Key: { pk: LIST_PK, sk: `E#${exceptionId}` }, ConsistentRead: true }));
  return Item ? strip(Item) : undefined;
}

function strip(item: Record<string, unknown>): ExceptionItem {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as ExceptionItem;
}

/** A new exception; false when it exists already (another finalize of the same run wrote it). */
export async function putException(e: ExceptionItem): Promise<boolean> {
  return sendConditional(
    (lib) => new lib.PutCommand({ TableName: table(), Item: { pk: LIST_PK, sk: `E#${e.exceptionId}`, ...e }, ConditionExpression: 'attribute_not_exists(pk)' }),
  );
}

/**
 * Changes an exception if it is still at `version` (read by the caller): false when someone else changed
 * it meanwhile. `set` never names the key attributes.
 */
export async function updateException(
  exceptionId: string,
  version: number,
  set: Partial<Omit<ExceptionItem, 'exceptionId' | 'version'>>,
  remove: readonly string[] = [],
): Promise<boolean> {
  const parts = updateExpression({ set, add: { version: 1 }, remove, values: { ':v': version } });
  return sendConditional(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: { pk: LIST_PK, sk: `E#${exceptionId}` },
        ...parts,
        ConditionExpression: 'attribute_exists(pk) AND #version = :v',
      }),
  );
}

/** Every exception, a page at a time, in exceptionId order (a bounded list: see `MAX_LISTED`). */
export async function* exceptionPages(pageLimit = 500): AsyncGenerator<ExceptionItem[]> {
  let cursor: Record<string, unknown> | undefined;
  do {
    const out = await send(
      (lib) =>
        new lib.QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': LIST_PK, ':p': 'E#' },
          Limit: pageLimit,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
    );
    yield (out.Items ?? []).map(strip);
    cursor = out.LastEvaluatedKey;
  } while (cursor);
}

// --- the operators' audit trail ------------------------------------------------------------------------------------

export type OperatorActionKind = 'replay' | 'acknowledge' | 'resolve' | 'reopen' | 'assign' | 'note' | 'start-run' | 'fixed-at-p100' | 'seen-again';

export interface OperatorAction {
  at: string;
  /** Who: the Cognito user in AWS, the IAM principal, a local name locally, or `reconciliation` for its own changes. */
  actor: string;
  action: OperatorActionKind;
  /** One line: what was done and to what. */
  summary: string;
  note?: string;
  /** What the action was about (`exceptionId`, `eventId`, `runId`, `from`, `to`, ...). */
  ref?: Record<string, string>;
}

/**
 * Records one action under each of its subjects (the user, the operation, the event, and `BY#<actor>`) so
 * each one's timeline finds it with one query. One item per subject: a few puts, never a money write.
 */
export async function recordOperatorAction(subjects: readonly string[], action: OperatorAction): Promise<void> {
  const sk = `${action.at}#${randomBytes(4).toString('hex')}`;
  const all = [...new Set([...subjects.filter(Boolean), `BY#${action.actor}`])];
  await Promise.all(
    all.map((subject) =>
      sendConditional(
        (lib) =>
          new lib.PutCommand({
            TableName: table(),
            Item: { pk: auditPk(subject), sk, ...action },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
      ),
    ),
  );
}

/** The actions recorded about one subject, oldest first (at most `limit`). */
export async function operatorActionsOf(subject: string, limit = 200): Promise<{ items: OperatorAction[]; truncated: boolean }> {
  const out = await send(
    (lib) =>
      new lib.QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': auditPk(subject) },
        Limit: limit,
      }),
  );
  const items = (out.Items ?? []).map((i) => {
    const { pk: _pk, sk: _sk, ...rest } = i;
    return rest as OperatorAction;
  });
  return { items, truncated: out.LastEvaluatedKey !== undefined };
}
