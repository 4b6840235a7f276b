import type { Router } from '../http/router.js';
import { Errors } from '../http/errors.js';
import { ok } from '../http/types.js';
import { optString, reqAmount, reqCurrency } from '../http/validate.js';
import { iso } from '../clock.js';
import { formatUnits } from '../decimal.js';
import { balanceOf, credit, debit, recordOperation, setStatus, accountOf } from '../domain/accounts.js';
import { getUser, requireActive } from '../domain/user-lifecycle.js';
import type { Sandbox } from '../sandbox.js';
import type { TransferOp } from '../state/model.js';
import { WebhookPaths } from '../webhooks/paths.js';

/**
 * Internal transfers between the partner's master balance and one user (funding: destination set;
 * collection: source set). Funds are checked at once (P433 is documented on this call) and again
 * when the transfer settles, since the balance may have moved in between.
 */

function settleTransfer(sb: Sandbox, op: TransferOp): void {
  if (op.status !== 'PENDING') return;
  const src = accountOf(sb, op.sourceExternalUserId);
  const dst = accountOf(sb, op.destinationExternalUserId);
  if (src && dst && debit(src, op.currency, op.amount)) {
    credit(dst, op.currency, op.amount);
    setStatus(sb, op, 'SUCCESSFUL');
  } else {
    op.errorCode = src && dst ? 'P433' : 'P412';
    setStatus(sb, op, 'FAILED');
  }
  sb.emit(WebhookPaths.p2pTransfer, {
    id: op.id,
    sourceExternalUserId: op.sourceExternalUserId,
    destinationExternalUserId: op.destinationExternalUserId,
    amount: formatUnits(op.amount, op.currency.scale),
    currency: op.currency.slug,
    status: op.status,
    createdAt: iso(op.createdAt),
  });
}

function emailOf(sb: Sandbox, externalUserId: string | null): string | null {
  if (externalUserId === null) return null;
  return sb.state.users.get(externalUserId)?.profile['email'] ?? null;
}

export function transferDetails(sb: Sandbox, op: TransferOp): Record<string, unknown> {
  return {
    id: op.id,
    sourceExternalUserId: op.sourceExternalUserId,
    destinationExternalUserId: op.destinationExternalUserId,
    sourceEmail: emailOf(sb, op.sourceExternalUserId),
    destinationEmail: emailOf(sb, op.destinationExternalUserId),
    amount: formatUnits(op.amount, op.currency.scale),
    currency: op.currency.slug,
    status: op.status,
    error: op.errorCode ? { errorCode: op.errorCode } : null,
    createdAt: iso(op.createdAt),
  };
}

export function registerTransferRoutes(r: Router): void {
  r.add('POST', '/v1/transfer', (ctx) => {
    const { sb, body } = ctx;
    const source = optString(body, 'sourceExternalUserId', 128) || null;
    const destination = optString(body, 'destinationExternalUserId', 128) || null;
    if (source === null && destination === null) throw Errors.sourceOrDestinationRequired();
    if (source !== null && destination !== null) throw Errors.validation('set either sourceExternalUserId or destinationExternalUserId, not both');
    const cur = reqCurrency(body);
    const amount = reqAmount(body, cur);
    const user = getUser(sb, source ?? destination);
    requireActive(user);
    const src = source === null ? sb.state.partner : user;
    if (balanceOf(src, cur).units < amount) throw Errors.insufficientFunds();
    const now = sb.now();
    const op: TransferOp = {
      id: sb.ids.uuid(),
      type: 'TRANSFER',
      status: 'PENDING',
      amount,
      currency: cur,
      externalUserId: user.externalUserId,
      createdAt: now,
      updatedAt: now,
      entries: [],
      sourceExternalUserId: source,
      destinationExternalUserId: destination,
      errorCode: null,
    };
    recordOperation(sb, op, [
      { account: source === null ? sb.state.partner : user, direction: 'OUT' },
      { account: source === null ? user : sb.state.partner, direction: 'IN' },
    ]);
    sb.scheduler.schedule(`transfer ${op.id}`, () => settleTransfer(sb, op));
    return ok({ transferId: op.id }, 201);
  });

  r.add('GET', '/v1/transfer/details/{transferId}', (ctx) => {
    const op = ctx.sb.state.ops.get(ctx.params['transferId'] ?? '');
    if (op?.type !== 'TRANSFER') throw Errors.notFound('transfer');
    return ok(transferDetails(ctx.sb, op));
  });
}
