import type { Operation, OperationInput } from '../catalog/types.js';
import { logger } from '../log/logger.js';
import { P100OutcomeUnknownError } from '../p100/errors.js';
import { setUserFact, upsertUser } from '../store/users.js';
import { readPath } from './money.js';
import type { OperationImpl } from './operation-handler.js';

/**
 * Records user lifecycle steps in the ledger (ARCHITECTURE.md "Ledger": users with model, status and
 * KYC/POA state), driven by the catalog entry's `userLedger`, so no entry carries code for it.
 *
 * After P100 accepted: the user row (with P100's userId and the model on create) and the step's facts.
 * After an ambiguous failure: the step as UNKNOWN, then the error goes on to the caller as before.
 * A ledger write that fails after P100 accepted is logged, not thrown: the step happened at P100, and the
 * reconciliation sweep brings the user's state back in line.
 */
export function withUserLedger(op: Operation, impl: OperationImpl): OperationImpl {
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
    for (const [fact, value] of Object.entries(mapping?.facts ?? {})) await setUserFact({ externalUserId, fact, value, at, source });
  }
}
