import { ENV } from '../config/env.js';
import { checkTransition, lifecycleOfUserFact, predecessors, type TransitionVerdict } from '../webhooks/lifecycles.js';
import { tableName } from './client.js';
import { send, sendConditional, updateExpression } from './dynamo.js';

/**
 * Users in the ledger: pk `USER#<externalUserId>`, sk `PROFILE`, listed through gsi1 (`gsi1pk = USERS`).
 * Lifecycle facts (status, POA, KYC verification, KYC files) move along their transition tables
 * (`applyUserTransition`); other facts (steps, flags) carry the time of the event that set
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
  facts: Record<string, UserFact>;
  createdAt: string;
  updatedAt: string;
}

/**
 * One fact. Lifecycle facts (shared/webhooks/lifecycles.ts: `status`, `poaStatus`, `kycFile:<type>`,
 * `kycVerification:<verificationId>`) also carry `v`, their state version (ASSUMPTIONS.md E9), and
 * `announced: false` while the change was made by our own call and no event has told consumers yet.
 */
export interface UserFact {
  value: string | boolean;
  at: string;
  source: string;
  v?: number;
  /** false while our own call's change waits for an event to announce it; then the announcing eventId (or `reconciliation:<runId>`). */
  announced?: boolean | string;
  /**
   * While unannounced: the value consumers were last told. Two silent moves of our own (suspend, then
   * unsuspend before P100's webhooks came) end where consumers already are: nothing to announce then.
   */
  lastTold?: string;
  /** Set by an event that moved the fact back to what consumers were last told: nothing was published for it. */
  quiet?: boolean;
  /** Why reconciliation must check this fact against P100 (an event that was no valid transition). */
  verify?: string;
}

export const userKey = (externalUserId: string) => ({ pk: `USER#${externalUserId}`, sk: 'PROFILE' as const });
const table = () => tableName(ENV.ledgerTable);

/** Creates the user row if missing; sets identity fields that are not set yet. */
export async function upsertUser(input: { externalUserId: string; p100UserId?: string; model?: UserModel; at?: string }): Promise<void> {
  const at = input.at ?? new Date().toISOString();
  const update = updateExpression({
    set: { externalUserId: input.externalUserId, updatedAt: at, gsi1pk: 'USERS', gsi1sk: input.externalUserId },
    // An empty id or model sets nothing (as if absent).
    setIfAbsent: { createdAt: at, facts: {}, p100UserId: input.p100UserId || undefined, model: input.model || undefined },
  });
  await send((lib) => new lib.UpdateCommand({ TableName: table(), Key: userKey(input.externalUserId), ...update }));
}

/**
 * Sets one fact of a user if the event is newer than the one that set it last. Returns whether it applied.
 * Two round trips at most: make sure the user row exists, then a conditional update of the fact.
 */
export async function setUserFact(input: { externalUserId: string; fact: string; value: string | boolean; at: string; source: string }): Promise<boolean> {
  await upsertUser({ externalUserId: input.externalUserId });
  return sendConditional(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: userKey(input.externalUserId),
        UpdateExpression: 'SET #f.#k = :fact, #u = :now',
        ConditionExpression: 'attribute_not_exists(#f.#k) OR #f.#k.#at <= :at',
        ExpressionAttributeNames: { '#f': 'facts', '#k': input.fact, '#at': 'at', '#u': 'updatedAt' },
        ExpressionAttributeValues: { ':fact': { value: input.value, at: input.at, source: input.source }, ':at': input.at, ':now': new Date().toISOString() },
      }),
  );
}

export async function getLedgerUser(externalUserId: string): Promise<LedgerUser | undefined> {
  const out = await send((lib) => new lib.GetCommand({ TableName: table(), Key: userKey(externalUserId), ConsistentRead: true }));
  return out.Item as LedgerUser | undefined;
}

/** One page of all users, by externalUserId (the reconciliation sweep reads it in batches). */
export async function listLedgerUsers(
  opts: { limit?: number; cursor?: Record<string, unknown> } = {},
): Promise<{ items: LedgerUser[]; cursor?: Record<string, unknown> }> {
  const out = await send(
    (lib) =>
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

export type TransitionResult =
  | { applied: true; previous?: string; version: number }
  | { applied: false; reason: Exclude<TransitionVerdict, 'apply'> | 'unknown-user' | 'raced'; current?: UserFact; version?: number };

/**
 * Moves a lifecycle fact of an existing user along its transition table: one conditional update on the
 * current value (`IN predecessors`), so two events racing cannot both apply. Never creates a user (a
 * webhook about a user we never created is flagged by the processor instead). `force` (reconciliation:
 * P100's truth) skips the table but still needs the user.
 *
 * @example
 * await applyUserTransition({ externalUserId: 'u1', fact: 'status', status: 'SUSPENDED', at, source: 'webhook:<eventId>' })
 */
/** True when moving this fact to `status` tells consumers nothing new: our own silent moves left it unannounced, and consumers already hold `status`. */
export function isQuietMove(current: UserFact | undefined, status: string): boolean {
  return current?.announced === false && current.lastTold === status;
}

export interface UserTransitionInput {
  externalUserId: string;
  fact: string;
  status: string;
  at: string;
  source: string;
  /** false: set by our own call, an event has yet to announce it (ledger-recording/user-steps.ts). */
  announced?: boolean;
  /** The move returns to what consumers were last told (nothing to publish): recorded on the fact. */
  quiet?: boolean;
  force?: boolean;
  user?: LedgerUser;
}

export async function applyUserTransition(input: UserTransitionInput): Promise<TransitionResult> {
  const lc = lifecycleOfUserFact(input.fact);
  if (!lc) throw new Error(`user fact ${input.fact} has no lifecycle`);
  const user = input.user ?? (await getLedgerUser(input.externalUserId));
  if (!user) return { applied: false, reason: 'unknown-user' };
  const current = user.facts?.[input.fact];
  const currentValue = current === undefined ? undefined : String(current.value);
  const verdict = checkTransition(lc, currentValue, input.status);
  if (verdict === 'unknown-status') return { applied: false, reason: verdict, ...(current ? { current, version: current.v ?? 0 } : {}) };
  if (!input.force && verdict !== 'apply') {
    if (verdict === 'invalid') await markUserFactForVerification(input.externalUserId, input.fact, `invalid ${currentValue ?? ''} → ${input.status}`);
    return { applied: false, reason: verdict, ...(current ? { current, version: current.v ?? 0 } : {}) };
  }
  if (input.force && verdict === 'equal') return { applied: false, reason: 'equal', ...(current ? { current, version: current.v ?? 0 } : {}) };
  if (currentValue !== undefined && !input.force && !predecessors(lc, input.status).includes(currentValue)) return { applied: false, reason: 'invalid' };
  const version = (current?.v ?? 0) + 1;
  const fact = nextFact(input, current, currentValue, version);
  const pinned = pinDecision(current, currentValue);
  const applied = await sendConditional(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: userKey(input.externalUserId),
        UpdateExpression: 'SET #f.#k = :fact, #u = :now',
        ConditionExpression: pinned.condition,
        ExpressionAttributeNames: { '#f': 'facts', '#k': input.fact, '#u': 'updatedAt', ...pinned.names },
        ExpressionAttributeValues: { ':fact': fact, ':now': new Date().toISOString(), ...pinned.values },
      }),
  );
  if (!applied) return { applied: false, reason: 'raced' };
  return { applied: true, ...(currentValue !== undefined ? { previous: currentValue } : {}), version };
}

/** The fact after the move: one version further; a move made by our own call waits for its announcement (a first state needs none). */
function nextFact(input: UserTransitionInput, current: UserFact | undefined, currentValue: string | undefined, version: number): UserFact {
  const lastTold = current === undefined ? undefined : current.announced === false ? current.lastTold : currentValue;
  return {
    value: input.status,
    at: input.at,
    source: input.source,
    v: version,
    ...(input.announced === false && current !== undefined ? { announced: false, ...(lastTold !== undefined ? { lastTold } : {}) } : {}),
    ...(input.quiet ? { quiet: true } : {}),
  };
}

/**
 * The condition pins what the decision read, so a concurrent change makes this one re-decide (`raced`): the
 * fact's absence, or its value and whether it was announced (an announcement racing this move changes what
 * consumers hold).
 */
function pinDecision(
  current: UserFact | undefined,
  currentValue: string | undefined,
): { condition: string; names: Record<string, string>; values: Record<string, unknown> } {
  if (currentValue === undefined) return { condition: 'attribute_exists(pk) AND attribute_not_exists(#f.#k)', names: {}, values: {} };
  return {
    condition:
      current?.announced === false
        ? 'attribute_exists(pk) AND #f.#k.#val = :cur AND #f.#k.#ann = :false'
        : 'attribute_exists(pk) AND #f.#k.#val = :cur AND (attribute_not_exists(#f.#k.#ann) OR #f.#k.#ann <> :false)',
    names: { '#val': 'value', '#ann': 'announced' },
    values: { ':cur': currentValue, ':false': false },
  };
}

/** Marks a lifecycle fact for the reconciliation sweep (every user is swept; the mark says what to look at). */
export async function markUserFactForVerification(externalUserId: string, fact: string, why: string): Promise<void> {
  await sendConditional(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: userKey(externalUserId),
        UpdateExpression: 'SET #f.#k.#vf = :why',
        ConditionExpression: 'attribute_exists(#f.#k)',
        ExpressionAttributeNames: { '#f': 'facts', '#k': fact, '#vf': 'verify' },
        ExpressionAttributeValues: { ':why': why.slice(0, 200) },
      }),
  );
}

/** Reconciliation found P100 at the fact's value: the verify mark is answered (conditional on that value). */
export async function clearUserFactVerification(externalUserId: string, fact: string, value: string): Promise<void> {
  await sendConditional(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: userKey(externalUserId),
        UpdateExpression: 'REMOVE #f.#k.#vf',
        ConditionExpression: 'attribute_exists(#f.#k.#vf) AND #f.#k.#val = :v',
        ExpressionAttributeNames: { '#f': 'facts', '#k': fact, '#vf': 'verify', '#val': 'value' },
        ExpressionAttributeValues: { ':v': value },
      }),
  );
}

/**
 * Marks a fact announced (an event told consumers) by `by`, once: true for the caller that flipped it. The
 * condition on the version keeps a later change's own announcement intact.
 */
export async function markUserFactAnnounced(externalUserId: string, fact: string, version: number, by: string): Promise<boolean> {
  return sendConditional(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: userKey(externalUserId),
        UpdateExpression: 'SET #f.#k.#a = :t',
        ConditionExpression: '#f.#k.#a = :f AND #f.#k.#v = :v',
        ExpressionAttributeNames: { '#f': 'facts', '#k': fact, '#a': 'announced', '#v': 'v' },
        ExpressionAttributeValues: { ':t': by, ':f': false, ':v': version },
      }),
  );
}
