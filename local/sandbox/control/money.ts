import { z } from 'zod';
import type { Router } from '../http/router.js';
import { ControlError } from '../http/errors.js';
import { ok } from '../http/types.js';
import { parseControl } from './core.js';
import { formatUnits, parseAmount } from '../decimal.js';
import { credit } from '../domain/accounts.js';
import { activateUser } from '../domain/user-lifecycle.js';
import { decideKyc, decidePoa } from '../domain/reviews.js';
import { cryptoDepositDetails, sepaDepositDetails, startCryptoDeposit, startSepaDeposit } from '../domain/deposits.js';
import { getCardForControl, playCardTransaction, sendCardCode } from '../domain/cards.js';
import { findCurrency } from '../state/currencies.js';
import type { Account, User } from '../state/model.js';
import type { Sandbox } from '../sandbox.js';

/** Control routes that move money or people: funding, activation, reviews, deposits, card events. */

const amount = z.union([z.string(), z.number()]);
const fundSchema = z.object({ currency: z.string(), amount }).strict();

function fund(account: Account, body: z.infer<typeof fundSchema>): Record<string, unknown> {
  const cur = findCurrency(body.currency);
  if (!cur) throw new ControlError(400, 'unknown currency');
  const units = parseAmount(body.amount, cur.scale);
  if (units === null) throw new ControlError(400, `amount must be a positive decimal with at most ${cur.scale} decimals`);
  credit(account, cur, units);
  return { funded: true, currency: cur.slug };
}

function controlUser(sb: Sandbox, id: string | undefined): User {
  const u = id ? sb.state.users.get(id) : undefined;
  if (!u || u.deleted) throw new ControlError(404, 'unknown externalUserId');
  return u;
}

export function registerMoneyControl(r: Router): void {
  r.add('POST', '/_sandbox/partner/fund', (ctx) => ok(fund(ctx.sb.state.partner, parseControl(fundSchema, ctx))));
  r.add('POST', '/_sandbox/users/{externalUserId}/fund', (ctx) => ok(fund(controlUser(ctx.sb, ctx.params['externalUserId']), parseControl(fundSchema, ctx))));

  r.add('GET', '/_sandbox/users/{externalUserId}', (ctx) => {
    const u = controlUser(ctx.sb, ctx.params['externalUserId']);
    return ok({
      externalUserId: u.externalUserId,
      userId: u.userId,
      model: u.model,
      status: u.status,
      extended: u.extended,
      poaRequired: u.poaRequired,
      poaStatus: u.poaStatus,
      kycFiles: [...u.kycFiles],
      kyc: u.kyc,
      whitelistedIbanCount: u.whitelistedIbans.size,
      cardCreations: u.cardCreations.length,
    });
  });

  // Skips KYC for tests: ACTIVE at once with IBAN and wallets (and the user/status webhook).
  r.add('POST', '/_sandbox/users/{externalUserId}/activate', (ctx) => {
    const { extended } = parseControl(z.object({ extended: z.boolean().optional() }).strict(), ctx);
    const u = controlUser(ctx.sb, ctx.params['externalUserId']);
    activateUser(ctx.sb, u);
    if (extended === true || (extended === undefined && u.model === 'KYC')) u.extended = true;
    return ok({ externalUserId: u.externalUserId, status: u.status, extended: u.extended });
  });

  r.add('POST', '/_sandbox/users/{externalUserId}/kyc', (ctx) => {
    const { status } = parseControl(z.object({ status: z.enum(['PENDING', 'APPROVED', 'REJECTED']) }).strict(), ctx);
    const u = controlUser(ctx.sb, ctx.params['externalUserId']);
    if (!u.kyc) throw new ControlError(404, 'no KYC verification for this user');
    decideKyc(ctx.sb, u, status);
    return ok({ externalUserId: u.externalUserId, verificationId: u.kyc.verificationId, status: u.kyc.status });
  });

  r.add('POST', '/_sandbox/users/{externalUserId}/poa', (ctx) => {
    const { status } = parseControl(z.object({ status: z.enum(['WAITING', 'APPROVED', 'REJECTED', 'QUESTIONED']) }).strict(), ctx);
    const u = controlUser(ctx.sb, ctx.params['externalUserId']);
    decidePoa(ctx.sb, u, status);
    return ok({ externalUserId: u.externalUserId, poaStatus: u.poaStatus });
  });

  r.add('POST', '/_sandbox/deposits/crypto', (ctx) => {
    const input = parseControl(
      z
        .object({
          depositId: z.string().min(1).max(128).optional(),
          externalUserId: z.string().nullable().optional(),
          currency: z.string(),
          amount,
          network: z.string().optional(),
          travelRule: z.boolean().optional(),
        })
        .strict(),
      ctx,
    );
    const { op, replayed } = startCryptoDeposit(ctx.sb, input);
    return ok({ ...cryptoDepositDetails(op), replayed }, replayed ? 200 : 201);
  });

  r.add('POST', '/_sandbox/deposits/sepa', (ctx) => {
    const input = parseControl(
      z
        .object({
          depositId: z.string().min(1).max(128).optional(),
          externalUserId: z.string().nullable().optional(),
          amount,
          senderName: z.string(),
          senderIban: z.string(),
          title: z.string().optional(),
        })
        .strict(),
      ctx,
    );
    const { op, replayed } = startSepaDeposit(ctx.sb, input);
    return ok({ ...sepaDepositDetails(op), ibanStatus: op.ibanStatus, replayed }, replayed ? 200 : 201);
  });

  r.add('POST', '/_sandbox/cards/{cardId}/transactions', (ctx) => {
    const input = parseControl(
      z
        .object({
          transactionId: z.string().min(1).max(128).optional(),
          amount,
          merchantName: z.string(),
          status: z.enum(['AUTHORIZED', 'SETTLED', 'DECLINED', 'REVERSED']).optional(),
        })
        .strict(),
      ctx,
    );
    const card = getCardForControl(ctx.sb, ctx.params['cardId']);
    const { op, replayed } = playCardTransaction(ctx.sb, card, input);
    return ok(
      {
        transactionId: op.id,
        cardId: op.cardId,
        externalUserId: op.externalUserId,
        amount: formatUnits(op.amount, op.currency.scale),
        merchantName: op.merchantName,
        status: op.status,
        replayed,
      },
      replayed ? 200 : 201,
    );
  });

  r.add('POST', '/_sandbox/cards/{cardId}/3ds', (ctx) => {
    const { code } = parseControl(z.object({ code: z.string().optional() }).strict(), ctx);
    const { event, replayed } = sendCardCode(ctx.sb, getCardForControl(ctx.sb, ctx.params['cardId']), '3ds', code);
    return ok({ ...event, replayed }, replayed ? 200 : 201);
  });

  r.add('POST', '/_sandbox/cards/{cardId}/activation-code', (ctx) => {
    const { code } = parseControl(z.object({ code: z.string().optional() }).strict(), ctx);
    const { event, replayed } = sendCardCode(ctx.sb, getCardForControl(ctx.sb, ctx.params['cardId']), 'activation', code);
    return ok({ ...event, replayed }, replayed ? 200 : 201);
  });
}
