import { ENV } from '../config/env.js';
import { dynamo, isConditionFailed, roundTrips, tableName } from './client.js';

/**
 * Users in the ledger: pk `USER#<externalUserId>`, sk `PROFILE`, listed through gsi1 (`gsi1pk = USERS`).
 * User facts are not monotonic (ACTIVE ⇄ SUSPENDED), so each fact carries the time of the event that set
 * it and an older event never overwrites a newer one (per-field last-writer-wins on event time).
 */
export type UserModel = 'KYC' | 'NO_KYC';

export interface LedgerUser {
  pk: string;
  sk: 'PROFILE';
  externalUserId: string;
  p100UserId?: string;
  model?: UserModel;
  /** Facts by name (`status`, `kycStatus`, `poaStatus`, `kycVerificationStatus`, `extended`, ...). */
  facts: Record<string, { value: string | boolean; at: string; source: string }>;
  createdAt: string;
  updatedAt: string;
}

export const userKey = (externalUserId: string) => ({ pk: `USER#${externalUserId}`, sk: 'PROFILE' as const });
const table = () => tableName(ENV.ledgerTable);

/** Creates the user row if missing; sets identity fields that are not set yet. */
export async function upsertUser(input: { externalUserId: string; p100UserId?: string; model?: UserModel; at?: string }): Promise<void> {
  const at = input.at ?? new Date().toISOString();
  const names: Record<string, string> = { '#x': 'externalUserId', '#c': 'createdAt', '#u': 'updatedAt', '#f': 'facts', '#g': 'gsi1pk', '#gs': 'gsi1sk' };
  const values: Record<string, unknown> = { ':x': input.externalUserId, ':at': at, ':empty': {}, ':users': 'USERS' };
  const sets = ['#x = :x', '#c = if_not_exists(#c, :at)', '#u = :at', '#f = if_not_exists(#f, :empty)', '#g = :users', '#gs = :x'];
  if (input.p100UserId) {
    names['#p'] = 'p100UserId';
    values[':p'] = input.p100UserId;
    sets.push('#p = if_not_exists(#p, :p)');
  }
  if (input.model) {
    names['#m'] = 'model';
    values[':m'] = input.model;
    sets.push('#m = if_not_exists(#m, :m)');
  }
  roundTrips.count++;
  const { doc, lib } = await dynamo();
  await doc.send(
    new lib.UpdateCommand({ TableName: table(), Key: userKey(input.externalUserId), UpdateExpression: `SET ${sets.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values }),
  );
}

/**
 * Sets one fact of a user if the event is newer than the one that set it last. Returns whether it applied.
 * Two round trips at most: make sure the user row exists, then a conditional update of the fact.
 */
export async function setUserFact(input: { externalUserId: string; fact: string; value: string | boolean; at: string; source: string }): Promise<boolean> {
  await upsertUser({ externalUserId: input.externalUserId });
  try {
    roundTrips.count++;
    const { doc, lib } = await dynamo();
    await doc.send(
      new lib.UpdateCommand({
        TableName: table(),
        Key: userKey(input.externalUserId),
        UpdateExpression: 'SET #f.#k = :fact, #u = :now',
        ConditionExpression: 'attribute_not_exists(#f.#k) OR #f.#k.#at <= :at',
        ExpressionAttributeNames: { '#f': 'facts', '#k': input.fact, '#at': 'at', '#u': 'updatedAt' },
        ExpressionAttributeValues: { ':fact': { value: input.value, at: input.at, source: input.source }, ':at': input.at, ':now': new Date().toISOString() },
      }),
    );
    return true;
  } catch (e) {
    if (isConditionFailed(e)) return false;
    throw e;
  }
}

export async function getLedgerUser(externalUserId: string): Promise<LedgerUser | undefined> {
  roundTrips.count++;
  const { doc, lib } = await dynamo();
  const out = await doc.send(new lib.GetCommand({ TableName: table(), Key: userKey(externalUserId), ConsistentRead: true }));
  return out.Item as LedgerUser | undefined;
}

/** One page of all users, by externalUserId (the reconciliation sweep reads it in batches). */
export async function listLedgerUsers(opts: { limit?: number; cursor?: Record<string, unknown> } = {}): Promise<{ items: LedgerUser[]; cursor?: Record<string, unknown> }> {
  roundTrips.count++;
  const { doc, lib } = await dynamo();
  const out = await doc.send(
    new lib.QueryCommand({
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :u',
      ExpressionAttributeValues: { ':u': 'USERS' },
      Limit: opts.limit ?? 100,
      ...(opts.cursor ? { ExclusiveStartKey: opts.cursor } : {}),
    }),
  );
  return { items: (out.Items ?? []) as LedgerUser[], ...(out.LastEvaluatedKey ? { cursor: out.LastEvaluatedKey } : {}) };
}
