import { getLedgerUser, setUserFact, type LedgerUser } from '../store/users.js';
import { report, type RunContext } from './context.js';
import { reconcileAccountHistory } from './history.js';
import { accountKey, fetchKycStatus, fetchUserAtP100 } from './p100.js';
import { markUserStateChecked } from './store.js';

/**
 * Step 3 of a run, one user at a time (fed by the reconcile queue in batches): the user's state, then the
 * user's history (history.ts).
 *
 * State, as far as P100 shows it:
 * - unknown to P100 (P412 on balances): `user-missing-at-p100`, reported (we cannot create users at P100);
 * - activation: P100's balances are active (a KYC user's fiat balance ACTIVE; a non-KYC user has balances)
 *   while our `status` fact is not ACTIVE/SUSPENDED → the `user/status` webhook was lost: set ACTIVE,
 *   reported as `user-state-mismatch` (repaired). The reverse (we say ACTIVE, P100's balances are not) is
 *   reported, not repaired. Suspension is not visible in P100's answers (C5), so it is not judged.
 * - `poaRequired` (balances) and the KYC-by-P100 verification status (K3, only for users who have one):
 *   P100's value replaces ours, reported.
 */
export async function reconcileUser(ctx: RunContext, externalUserId: string): Promise<void> {
  const account = { kind: 'user' as const, externalUserId };
  const knownToP100 = await reconcileUserState(ctx, externalUserId);
  await markUserStateChecked(ctx.runId, accountKey(account));
  // A user P100 does not know has no history to read (P412); it is reported above.
  if (knownToP100) await reconcileAccountHistory(ctx, account);
}

function factValue(u: LedgerUser | undefined, name: string): string | boolean | undefined {
  return u?.facts?.[name]?.value;
}

/** Compares and repairs the user's state; false when P100 does not know the user. */
async function reconcileUserState(ctx: RunContext, externalUserId: string): Promise<boolean> {
  const user = await getLedgerUser(externalUserId);
  const status = factValue(user, 'status');
  const ours = { status: status ?? null, poaRequired: factValue(user, 'poaRequired') ?? null, kycVerificationStatus: factValue(user, 'kycVerificationStatus') ?? null };
  const theirsUser = await fetchUserAtP100(externalUserId);
  const key = (cls: string, aspect: string) => `USER#${externalUserId}#${cls}#${aspect}`;
  const setFact = (fact: string, value: string | boolean) => async () =>
    setUserFact({ externalUserId, fact, value, at: new Date().toISOString(), source: `reconciliation:${ctx.runId}` });

  if (!theirsUser.exists) {
    if (status !== 'DELETED') {
      await report(ctx, key('user-missing-at-p100', 'user'), { class: 'user-missing-at-p100', type: 'USER', id: externalUserId, ours, theirs: null, note: 'P100 answers P412 (unknown or deleted user)' });
    }
    return false;
  }
  const theirs = { active: theirsUser.active, ...(theirsUser.poaRequired !== undefined ? { poaRequired: theirsUser.poaRequired } : {}) };
  if (theirsUser.active && status !== 'ACTIVE' && status !== 'SUSPENDED') {
    await report(ctx, key('user-state-mismatch', 'status'), { class: 'user-state-mismatch', type: 'USER', id: externalUserId, ours, theirs, note: 'active at P100 (balances), not here' }, setFact('status', 'ACTIVE'));
  } else if (!theirsUser.active && status === 'ACTIVE') {
    await report(ctx, key('user-state-mismatch', 'status'), { class: 'user-state-mismatch', type: 'USER', id: externalUserId, ours, theirs, note: 'ACTIVE here, balances not active at P100' });
  }
  const poa = factValue(user, 'poaRequired');
  if (theirsUser.poaRequired !== undefined && poa !== undefined && poa !== theirsUser.poaRequired) {
    await report(ctx, key('user-state-mismatch', 'poaRequired'), { class: 'user-state-mismatch', type: 'USER', id: externalUserId, ours, theirs }, setFact('poaRequired', theirsUser.poaRequired));
  }
  const kyc = factValue(user, 'kycVerificationStatus');
  if (typeof kyc === 'string') {
    const theirKyc = await fetchKycStatus(externalUserId);
    if (theirKyc && theirKyc !== kyc.toUpperCase()) {
      await report(ctx, key('user-state-mismatch', 'kyc'), { class: 'user-state-mismatch', type: 'USER', id: externalUserId, ours, theirs: { ...theirs, kycVerificationStatus: theirKyc } }, setFact('kycVerificationStatus', theirKyc));
    }
  }
  return true;
}
