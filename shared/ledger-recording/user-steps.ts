import type { Operation, OperationInput } from '../catalog/types.js';
import { logger } from '../log/logger.js';
import { P100OutcomeUnknownError } from '../p100/errors.js';
import { applyStatus } from '../store/ledger.js';
import { applyUserTransition, setUserFact, upsertUser } from '../store/ledger-users.js';
import { lifecycleOfUserFact } from '../webhooks/lifecycles.js';
import { readPath } from './input-path.js';
import type { OperationImpl } from '../http/operation-impl.js';

/**
 * Records user lifecycle steps in the ledger (ARCHITECTURE.md "Ledger": users with model, status and
 * KYC/POA state), driven by the catalog entry's `userLedger` (`cardLedger` for card steps), so no entry carries code for it.
 *
 * After P100 accepted: the user row (with P100's userId and the model on create) and the step's facts.
 * After an ambiguous failure: the step as UNKNOWN, then the error goes on to the caller as before.
 * A ledger write that fails after P100 accepted is logged, not thrown: the step happened at P100, and the
 * reconciliation sweep brings the user's state back in line.
 */
export function withUserLedger(op: Operation, impl: OperationImpl): OperationImpl {
  if (op.cardLedger) return withCardLedger(op, impl, op.cardLedger.status);
  const mapping = op.userLedger;
  if (!mapping) return impl;
  return async (input, ctx) => {
    const externalUserId = readPath(input as OperationInput<unknown, unknown, unknown>, mapping.externalUserId);
    try {
      const result = await impl(input, ctx);
      if (externalUserId && (result.status ?? 200) < 300) {
        await record(externalUserId, 'ACCEPTED', result.body).catch((e: unknown) =>
          logger.error('user step accepted by P100 but not recorded in the ledger', { operationId: op.operationId, error: e }),
        );
      }
      return result;
    } catch (err) {
      if (externalUserId && err instanceof P100OutcomeUnknownError) {
        await record(externalUserId, 'UNKNOWN', undefined).catch((e: unknown) =>
          logger.error('user step outcome unknown and not recorded in the ledger', { operationId: op.operationId, error: e }),
        );
      }
      throw err;
    }
  };

  async function record(externalUserId: string, outcome: 'ACCEPTED' | 'UNKNOWN', body: unknown): Promise<void> {
    const at = new Date().toISOString();
    const source = `api:${op.operationId}`;
    const p100UserId = mapping?.create && body && typeof body === 'object' ? (body as Record<string, unknown>)[mapping.create.userIdField] : undefined;
    await upsertUser({
      externalUserId,
      ...(typeof p100UserId === 'string' ? { p100UserId } : {}),
      ...(mapping?.create ? { model: mapping.create.model } : {}),
      at,
    });
    await setUserFact({ externalUserId, fact: `step:${op.operationId}`, value: outcome, at, source });
    if (outcome !== 'ACCEPTED') return;
    for (const [fact, value] of Object.entries(mapping?.facts ?? {})) {
      if (typeof value === 'string' && lifecycleOfUserFact(fact)) await moveLifecycle(externalUserId, fact, value, at, source);
      else await setUserFact({ externalUserId, fact, value, at, source });
    }
  }

  /**
   * A lifecycle fact (user status: suspend, unsuspend, delete) moves along its transition table
   * (shared/webhooks/lifecycles.ts), like a webhook would move it. It is left unannounced: the webhook
   * P100 sends for it (or reconciliation, where none comes: delete) publishes it, once (ASSUMPTIONS.md E12).
   */
  async function moveLifecycle(externalUserId: string, fact: string, value: string, at: string, source: string): Promise<void> {
    let r = await applyUserTransition({ externalUserId, fact, status: value, at, source, announced: false });
    // A webhook moved or announced the fact between our read and our write: decide again on what stands.
    for (let i = 0; i < 3 && !r.applied && r.reason === 'raced'; i++)
      r = await applyUserTransition({ externalUserId, fact, status: value, at, source, announced: false });
    if (!r.applied && r.reason !== 'equal')
      logger.warn('user step accepted by P100 is no transition from the ledger state; reconciliation will check', {
        operationId: op.operationId,
        fact,
        reason: r.reason,
      });
  }
}

/** A card step (the entry's `cardLedger`): the card's new status, once P100 accepted. */
function withCardLedger(op: Operation, impl: OperationImpl, status: string): OperationImpl {
  return async (input, ctx) => {
    const result = await impl(input, ctx);
    const typed = input as OperationInput<unknown, unknown, unknown>;
    const cardId = readPath(typed, 'params.cardId');
    const externalUserId = readPath(typed, 'params.externalUserId');
    if (cardId && (result.status ?? 200) < 300) {
      const r = await applyStatus({
        type: 'CARD',
        id: cardId,
        status,
        source: 'api',
        upsert: true,
        note: `api:${op.operationId}`,
        ...(externalUserId ? { externalUserId } : {}),
      }).catch((e: unknown) => {
        logger.error('card step accepted by P100 but not recorded in the ledger', { operationId: op.operationId, error: e });
        return undefined;
      });
      if (r && !r.applied && r.reason !== 'duplicate')
        logger.warn('card step is no transition from the ledger state; reconciliation will check', { operationId: op.operationId, reason: r.reason });
    }
    return result;
  };
}
