import { z } from 'zod';
import type { Router } from '../http/router.js';
import { ControlError } from '../http/errors.js';
import { ok } from '../http/types.js';
import { parseControl } from './core.js';
import { iso } from '../clock.js';
import { formatUnits, parseAmount } from '../decimal.js';
import { accountOf } from '../domain/accounts.js';
import { OPERATION_TYPES, type HistoryEntry, type OperationType } from '../state/history.js';
import type { Operation } from '../state/model.js';

/**
 * What P100 did, for tests to count: every money operation the sandbox accepted, a manual-fix
 * PATCH (changes the operation and its history, sends no webhook), and bulk history seeding.
 */

const STATUSES: Record<OperationType, readonly string[]> = {
  EXCHANGE: ['PENDING', 'COMPLETED', 'FAILED'],
  CRYPTO_WITHDRAWAL: ['PENDING', 'PROCESSING', 'SUCCESSFUL', 'FAILED'],
  CRYPTO_DEPOSIT: ['WAITING_FOR_VERIFICATION', 'WAITING_FOR_TR_DATA', 'SUCCESSFUL', 'UNSUCCESSFUL'],
  TRANSFER: ['PENDING', 'SUCCESSFUL', 'FAILED'],
  SEPA_TRANSFER: ['PENDING', 'PROCESSING', 'SUCCESSFUL', 'FAILED'],
  SEPA_DEPOSIT: ['PENDING', 'SUCCESSFUL', 'REJECTED'],
  CARD_TRANSACTION: ['AUTHORIZED', 'SETTLED', 'DECLINED', 'REVERSED'],
};

/** Final status per type, used for seeded history entries. */
const FINAL: Record<OperationType, string> = {
  EXCHANGE: 'COMPLETED',
  CRYPTO_WITHDRAWAL: 'SUCCESSFUL',
  CRYPTO_DEPOSIT: 'SUCCESSFUL',
  TRANSFER: 'SUCCESSFUL',
  SEPA_TRANSFER: 'SUCCESSFUL',
  SEPA_DEPOSIT: 'SUCCESSFUL',
  CARD_TRANSACTION: 'SETTLED',
};

export function serializeOperation(op: Operation): Record<string, unknown> {
  return {
    type: op.type,
    id: op.id,
    status: op.status,
    amount: formatUnits(op.amount, op.currency.scale),
    currency: op.currency.slug,
    externalUserId: op.externalUserId,
    createdAt: iso(op.createdAt),
    updatedAt: iso(op.updatedAt),
  };
}

export function registerOperationsControl(r: Router): void {
  r.add('GET', '/_sandbox/operations', (ctx) => {
    const type = ctx.query.get('type')?.toUpperCase();
    const ext = ctx.query.get('externalUserId');
    const status = ctx.query.get('status')?.toUpperCase();
    const list = ctx.sb.state.opOrder.filter((op) => (!type || op.type === type) && (!ext || op.externalUserId === ext) && (!status || op.status === status));
    return ok({ total: list.length, operations: list.map(serializeOperation) });
  });

  r.add('GET', '/_sandbox/operations/{id}', (ctx) => {
    const op = ctx.sb.state.ops.get(ctx.params['id'] ?? '');
    if (!op) throw new ControlError(404, 'unknown operation');
    return ok(serializeOperation(op));
  });

  r.add('PATCH', '/_sandbox/operations/{id}', (ctx) => {
    const body = parseControl(z.object({ status: z.string().optional(), amount: z.union([z.string(), z.number()]).optional() }).strict(), ctx);
    const op = ctx.sb.state.ops.get(ctx.params['id'] ?? '');
    if (!op) throw new ControlError(404, 'unknown operation');
    const status = body.status?.toUpperCase();
    if (status !== undefined && !STATUSES[op.type].includes(status)) {
      throw new ControlError(400, `status must be one of ${STATUSES[op.type].join(', ')}`);
    }
    let units: bigint | undefined;
    if (body.amount !== undefined) {
      const u = parseAmount(body.amount, op.currency.scale);
      if (u === null) throw new ControlError(400, 'amount must be a positive decimal within the currency precision');
      units = u;
    }
    // A manual fix at P100: the record changes, balances and webhooks do not.
    const now = ctx.sb.now();
    if (status !== undefined) (op as { status: string }).status = status;
    if (units !== undefined) op.amount = units;
    op.updatedAt = now;
    for (const e of op.entries) {
      if (status !== undefined) e.status = status;
      if (units !== undefined && e.currency === op.currency.slug) e.amount = formatUnits(units, op.currency.scale);
      e.updatedAt = now;
    }
    return ok(serializeOperation(op));
  });

  r.add('POST', '/_sandbox/seed/history', (ctx) => {
    const { externalUserId, count, spacingMs } = parseControl(
      z
        .object({
          externalUserId: z.string().optional(),
          count: z.number().int().min(1).max(1_000_000),
          spacingMs: z.number().int().min(1).optional(),
        })
        .strict(),
      ctx,
    );
    const { sb } = ctx;
    const account = accountOf(sb, externalUserId ?? null);
    if (!account) throw new ControlError(404, 'unknown externalUserId');
    const step = spacingMs ?? 1000;
    // Entries end just before now, oldest first, so they precede everything the test does next.
    const start = sb.now() - count * step;
    const batch: HistoryEntry[] = new Array<HistoryEntry>(count);
    for (let i = 0; i < count; i++) {
      const type = OPERATION_TYPES[i % OPERATION_TYPES.length] as OperationType;
      const t = start + i * step;
      batch[i] = {
        id: sb.ids.uuid(),
        type,
        status: FINAL[type],
        amount: `${1 + (i % 997)}.${String(i % 100).padStart(2, '0')}`,
        currency: 'eur',
        externalUserId: account.externalUserId,
        referenceId: sb.ids.uuid(),
        direction: i % 2 === 0 ? 'IN' : 'OUT',
        createdAt: t,
        updatedAt: t,
      };
    }
    account.history.insertMany(batch);
    return ok({ seeded: count, totalItems: account.history.size, from: iso(start), to: iso(start + (count - 1) * step) }, 201);
  });
}
