import type { Router } from '../http/router.js';
import { Errors } from '../http/errors.js';
import { ok, type Ctx } from '../http/types.js';
import { reqAmount, reqCurrency, reqEnum, reqIban, reqString } from '../http/validate.js';
import { iso } from '../clock.js';
import { formatUnits, percentCeil, toNumber } from '../decimal.js';
import { accountOf, debit, recordOperation, setStatus } from '../domain/accounts.js';
import { getUser, requireActive, requireKycModel } from '../domain/user-lifecycle.js';
import type { Sandbox } from '../sandbox.js';
import type { Account, SepaTransferOp, User } from '../state/model.js';
import { WebhookPaths } from '../webhooks/paths.js';

/** SEPA out (levels 1 and 2, ASSUMPTIONS C11), transfer details, deposit info (C14). */

const RECEIVER_FIELDS = ['receiverType', 'receiverFirstName', 'receiverLastName', 'companyName'] as const;
/** 0.1 % with a €1.00 minimum (integration.md §7). */
const SEPA_FEE_PPM = 1_000n;
const SEPA_MIN_FEE_CENTS = 100n;

export const P100_COLLECTION_ACCOUNT = {
  iban: 'LT333130010135556427',
  swift: 'BZENLT22',
  accountHolder: 'P100 sp. z o.o.',
  address: 'Połonińska 19',
};

function createSepaTransfer(ctx: Ctx, user: User | null): Record<string, unknown> {
  const { sb, body } = ctx;
  const cur = reqCurrency(body);
  if (cur.slug !== 'eur') throw Errors.validation('SEPA transfers are in eur only');
  const amount = reqAmount(body, cur);
  const destinationIban = reqIban(body, 'destinationIban');
  const transferTitle = reqString(body, 'transferTitle', 140);
  const account: Account = user ?? sb.state.partner;
  let receiverType: SepaTransferOp['receiverType'] = null;
  let receiverFirstName: string | null = null;
  let receiverLastName: string | null = null;
  let companyName: string | null = null;
  if (sb.config.sepaLevel === 1) {
    const sent = RECEIVER_FIELDS.filter((f) => body[f] !== undefined && body[f] !== null);
    if (sent.length > 0) throw Errors.validation(`SEPA level 1 does not accept ${sent.join(', ')}`);
    // Closed loop: pay out only to an IBAN the owner has deposited from (whitelisted by IBAN Status).
    if (!account.whitelistedIbans.has(destinationIban)) throw Errors.validation('destinationIban is not a whitelisted account of the owner');
  } else {
    receiverType = reqEnum(body, 'receiverType', ['NATURAL', 'LEGAL'] as const);
    if (receiverType === 'NATURAL') {
      receiverFirstName = reqString(body, 'receiverFirstName', 128);
      receiverLastName = reqString(body, 'receiverLastName', 128);
    } else {
      companyName = reqString(body, 'companyName', 256);
    }
  }
  const pct = percentCeil(amount, SEPA_FEE_PPM);
  const now = sb.now();
  const op: SepaTransferOp = {
    id: sb.ids.uuid(),
    type: 'SEPA_TRANSFER',
    status: 'PENDING',
    amount,
    currency: cur,
    externalUserId: user?.externalUserId ?? null,
    createdAt: now,
    updatedAt: now,
    entries: [],
    fee: pct > SEPA_MIN_FEE_CENTS ? pct : SEPA_MIN_FEE_CENTS,
    destinationIban,
    transferTitle,
    receiverType,
    receiverFirstName,
    receiverLastName,
    companyName,
    error: null,
  };
  recordOperation(sb, op, [{ account, direction: 'OUT' }]);
  sb.scheduler.schedule(`sepa-transfer ${op.id}`, () => settleSepaTransfer(sb, op));
  return { transferId: op.id };
}

/** Insufficient funds surface only here (reference §2.6): FAILED with the minimal payload + error. */
function settleSepaTransfer(sb: Sandbox, op: SepaTransferOp): void {
  if (op.status !== 'PENDING') return;
  const account = accountOf(sb, op.externalUserId);
  if (account && debit(account, op.currency, op.amount + op.fee)) {
    setStatus(sb, op, 'SUCCESSFUL');
    sb.emit(WebhookPaths.sepaTransfer, sepaTransferBody(op));
  } else {
    op.error = { description: account ? 'Insufficient funds' : 'Account not found', status: account ? 'INSUFFICIENT_FUNDS' : 'INVALID_ACCOUNT' };
    setStatus(sb, op, 'FAILED');
    sb.emit(WebhookPaths.sepaTransfer, { id: op.id, status: 'FAILED', error: op.error });
  }
}

function sepaTransferBody(op: SepaTransferOp): Record<string, unknown> {
  return {
    id: op.id,
    type: 'external',
    amount: formatUnits(op.amount, op.currency.scale),
    transferTitle: op.transferTitle,
    destinationIban: op.destinationIban,
    receiverFirstName: op.receiverFirstName,
    receiverLastName: op.receiverLastName,
    status: op.status,
    currency: op.currency.slug,
    fee: toNumber(op.fee, op.currency.scale),
    createdAt: iso(op.createdAt),
  };
}

export function sepaTransferDetails(sb: Sandbox, op: SepaTransferOp): Record<string, unknown> {
  const out = sepaTransferBody(op);
  if (op.companyName !== null) out['companyName'] = op.companyName;
  if (op.error) out['error'] = op.error;
  const u = op.externalUserId === null ? undefined : sb.state.users.get(op.externalUserId);
  if (u) {
    const p = u.profile;
    out['user'] = {
      externalUserId: u.externalUserId,
      email: p['email'] ?? null,
      firstName: p['firstName'] ?? null,
      lastName: p['lastName'] ?? null,
      address: p['address'] ?? p['street'] ?? null,
      city: p['city'] ?? null,
      country: p['country'] ?? null,
    };
  }
  return out;
}

function depositInfo(account: Account): Record<string, unknown> {
  return { title: account.depositReference, ...P100_COLLECTION_ACCOUNT };
}

export function registerSepaRoutes(r: Router): void {
  r.add('POST', '/v1/partner/sepa-transfer', (ctx) => ok(createSepaTransfer(ctx, null)));
  r.add('POST', '/v1/sepa-transfer', (ctx) => {
    const u = getUser(ctx.sb, reqString(ctx.body, 'sourceExternalUserId', 128));
    requireKycModel(u);
    requireActive(u);
    return ok(createSepaTransfer(ctx, u));
  });
  r.add('GET', '/v1/sepa-transfer/details/{transferId}', (ctx) => {
    const op = ctx.sb.state.ops.get(ctx.params['transferId'] ?? '');
    if (op?.type !== 'SEPA_TRANSFER') throw Errors.sepaTransferNotFound();
    return ok(sepaTransferDetails(ctx.sb, op));
  });
  r.add('GET', '/v1/partner/sepa-deposit/info', (ctx) => ok(depositInfo(ctx.sb.state.partner)));
  r.add('GET', '/v1/user/sepa-deposit/info/{externalUserId}', (ctx) => {
    const u = getUser(ctx.sb, ctx.params['externalUserId']);
    requireKycModel(u);
    return ok(depositInfo(u));
  });
}
