import { applyStatus, getLedgerOperation } from '../store/ledger.js';
import {
  applyUserTransition,
  clearUserFactVerification,
  getLedgerUser,
  isQuietMove,
  markUserFactAnnounced,
  setUserFact,
  type LedgerUser,
} from '../store/ledger-users.js';
import { lifecycleOfUserFact, lifecycles } from '../webhooks/lifecycles.js';
import { report, type RunContext } from './context.js';
import { reconcileAccountHistory } from './history.js';
import { accountKey, fetchKycStatus, fetchUserAtP100, fetchUserCards } from '../p100/reads.js';
import { publishRepair } from './repair.js';
import { markUserStateChecked } from '../store/reconciliation.js';
import { guardItem } from './quarantine.js';

/**
 * Step 3 of a run, one user at a time (fed by the reconcile queue in batches): the user's lifecycles,
 * then the user's history (history.ts: card transactions, deposits and every money operation).
 *
 * Every lifecycle P100 lets us read is compared and repaired (ASSUMPTIONS.md R4, R8); a repair moves the
 * ledger to P100's state and is published as the webhook's own event with `source: "reconciliation"`:
 * - user status: `status` of the balances answer when P100 sends it (incl. SUSPENDED); without it only
 *   activation is visible (a KYC user's fiat balance ACTIVE; a non-KYC user has balances). Unknown to P100
 *   (P412): `user-missing-at-p100` unless we deleted the user;
 * - POA: `poaStatus` of the balances answer when P100 sends it; `poaRequired` as before;
 * - KYC by P100: K3 gives the current verification (id + status), compared with that verification's fact;
 * - cards: V2 lists every card with its status; a ledger card missing from the list was deleted.
 * A state our own call set (suspend, delete) that no webhook announced is announced here.
 * Not readable at P100: KYC files (kycFile:*), an older KYC verification than the current one.
 */
export async function reconcileUser(ctx: RunContext, externalUserId: string): Promise<void> {
  const account = { kind: 'user' as const, externalUserId };
  // The user's states are one item of the run (issue 23): a throw, an unsafe answer or an overrun
  // quarantines the user, and the batch goes on. The history below has its own per-page and per-entry budgets.
  let knownToP100 = false;
  const ref = { type: 'USER', id: externalUserId };
  const outcome = await guardItem(ctx, ref, async () => {
    knownToP100 = await reconcileUserState(ctx, externalUserId);
  });
  if (outcome === 'quarantined') return;
  await markUserStateChecked(ctx.runId, accountKey(account));
  // A user P100 does not know has no history to read (P412); it is reported above.
  if (knownToP100) await reconcileAccountHistory(ctx, account);
}

function factValue(u: LedgerUser | undefined, name: string): string | boolean | undefined {
  return u?.facts?.[name]?.value;
}

/**
 * One lifecycle fact against P100's value: equal and unannounced → announced; different → reported,
 * moved to P100's value (force: P100 is the truth even where no edge leads there) and published.
 */
async function compareFact(ctx: RunContext, user: LedgerUser, fact: string, theirs: string, cls: 'user-state-mismatch'): Promise<void> {
  const lc = lifecycleOfUserFact(fact);
  if (!lc) return;
  const current = user.facts?.[fact];
  const ours = current === undefined ? undefined : String(current.value);
  const externalUserId = user.externalUserId;
  const publish = (previousStatus?: string) =>
    publishRepair(ctx, lc, {
      entityId: externalUserId,
      status: theirs,
      externalUserId,
      ...(previousStatus ? { previousStatus } : {}),
      data: { externalUserId, status: theirs, ...(fact.includes(':') ? { [suffixField(fact)]: fact.split(':')[1] } : {}) },
    });
  if (ours === theirs) {
    if (current?.verify) await clearUserFactVerification(externalUserId, fact, theirs);
    if (
      current?.announced === false &&
      (await markUserFactAnnounced(externalUserId, fact, current.v ?? 0, `reconciliation:${ctx.runId}`)) &&
      current.lastTold !== theirs
    )
      await publish();
    return;
  }
  await report(
    ctx,
    `USER#${externalUserId}#${cls}#${fact}`,
    { class: cls, type: 'USER', id: externalUserId, ours: { [fact]: ours ?? null }, theirs: { [fact]: theirs } },
    async () => {
      const quiet = isQuietMove(current, theirs);
      const r = await applyUserTransition({
        externalUserId,
        fact,
        status: theirs,
        at: new Date().toISOString(),
        source: `reconciliation:${ctx.runId}`,
        force: true,
        user,
        ...(quiet ? { quiet } : {}),
      });
      // Consumers hold the last announced value; where that is P100's, the repair is not news to them.
      if (r.applied && !quiet) await publish(current?.announced === false ? current.lastTold : ours);
      return r.applied;
    },
  );
}

const suffixField = (fact: string): string => (fact.startsWith('kycVerification:') ? 'verificationId' : fact.startsWith('kycFile:') ? 'fileType' : 'id');

/** Compares and repairs the user's state; false when P100 does not know the user. */
async function reconcileUserState(ctx: RunContext, externalUserId: string): Promise<boolean> {
  const user = await getLedgerUser(externalUserId);
  const status = factValue(user, 'status');
  const ours = { status: status ?? null, poaRequired: factValue(user, 'poaRequired') ?? null };
  const theirsUser = await fetchUserAtP100(externalUserId);
  const key = (cls: string, aspect: string) => `USER#${externalUserId}#${cls}#${aspect}`;
  const setFact = (fact: string, value: string | boolean) => async () =>
    setUserFact({ externalUserId, fact, value, at: new Date().toISOString(), source: `reconciliation:${ctx.runId}` });

  if (!theirsUser.exists) {
    if (status === 'DELETED') {
      // Our deleteUser set it; P100 sends no webhook for a deletion: announce it once.
      if (user) await compareFact(ctx, user, 'status', 'DELETED', 'user-state-mismatch');
    } else {
      await report(ctx, key('user-missing-at-p100', 'user'), {
        class: 'user-missing-at-p100',
        type: 'USER',
        id: externalUserId,
        ours,
        theirs: null,
        note: 'P100 answers P412 (unknown or deleted user)',
      });
    }
    return false;
  }
  if (!user) return true;
  const theirs = { active: theirsUser.active, ...(theirsUser.poaRequired !== undefined ? { poaRequired: theirsUser.poaRequired } : {}) };
  if (theirsUser.status !== undefined) {
    await compareFact(ctx, user, 'status', theirsUser.status, 'user-state-mismatch');
  } else if (theirsUser.active && status !== 'ACTIVE' && status !== 'SUSPENDED') {
    await compareFact(ctx, user, 'status', 'ACTIVE', 'user-state-mismatch');
  } else if (!theirsUser.active && status === 'ACTIVE') {
    await report(ctx, key('user-state-mismatch', 'status'), {
      class: 'user-state-mismatch',
      type: 'USER',
      id: externalUserId,
      ours,
      theirs,
      note: 'ACTIVE here, balances not active at P100',
    });
  }
  if (theirsUser.poaStatus !== undefined) await compareFact(ctx, user, 'poaStatus', theirsUser.poaStatus, 'user-state-mismatch');
  const poa = factValue(user, 'poaRequired');
  if (theirsUser.poaRequired !== undefined && poa !== undefined && poa !== theirsUser.poaRequired) {
    await report(
      ctx,
      key('user-state-mismatch', 'poaRequired'),
      { class: 'user-state-mismatch', type: 'USER', id: externalUserId, ours, theirs },
      setFact('poaRequired', theirsUser.poaRequired),
    );
  }
  // KYC by P100: asked only of users who started one (a fact per verification, or the request step).
  const facts = Object.keys(user.facts ?? {});
  if (facts.some((f) => f.startsWith('kycVerification:')) || factValue(user, 'kycVerificationRequested') === true) {
    const kyc = await fetchKycStatus(externalUserId);
    if (kyc?.verificationId) await compareFact(ctx, user, `kycVerification:${kyc.verificationId}`, kyc.status, 'user-state-mismatch');
  }
  if (user.model === 'KYC' && factValue(user, 'extended') === true) await reconcileCards(ctx, externalUserId);
  return true;
}

/** Card status per card (V2) against the ledger's CARD operations; a ledger card P100 no longer lists was deleted. */
async function reconcileCards(ctx: RunContext, externalUserId: string): Promise<void> {
  const cards = await fetchUserCards(externalUserId);
  if (!cards) return;
  const lc = lifecycles.card;
  for (const c of cards) {
    const op = await getLedgerOperation('CARD', c.cardId);
    if (op?.status === c.status) continue;
    await report(
      ctx,
      `CARD#${c.cardId}#user-state-mismatch`,
      {
        class: 'user-state-mismatch',
        type: 'CARD',
        id: c.cardId,
        ours: op ? { status: op.status } : null,
        theirs: { status: c.status },
        account: `user:${externalUserId}`,
      },
      async () => {
        const r = await applyStatus({
          type: 'CARD',
          id: c.cardId,
          status: c.status,
          source: 'reconciliation',
          force: true,
          upsert: true,
          externalUserId,
          note: `recon:${ctx.runId}:card`,
        });
        if (r.applied)
          await publishRepair(ctx, lc, {
            entityId: c.cardId,
            status: c.status,
            externalUserId,
            ...(op ? { previousStatus: op.status } : {}),
            data: { cardId: c.cardId, externalUserId, status: c.status },
          });
        return r.applied;
      },
    );
  }
}
