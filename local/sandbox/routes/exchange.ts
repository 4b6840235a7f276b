import type { Router } from '../http/router.js';
import { Errors } from '../http/errors.js';
import { ok, type Ctx } from '../http/types.js';
import { queryRecord, reqAmount, reqCurrency, reqString } from '../http/validate.js';
import { iso } from '../clock.js';
import { formatDecimal, formatUnits, percentCeil } from '../decimal.js';
import { accountOf, convert, credit, crossRate, debit, recordOperation, setStatus } from '../domain/accounts.js';
import { getActiveUser } from '../domain/user-lifecycle.js';
import type { Sandbox } from '../sandbox.js';
import type { CurrencyDef } from '../state/currencies.js';
import type { ExchangeOp, RateLock } from '../state/model.js';
import { WebhookPaths } from '../webhooks/paths.js';

/** Rates, locks (60 s, single use) and exchanges for users and the partner (ASSUMPTIONS C8). */

export const LOCK_TTL_MS = 60_000;
/** 1.49 % of amountTo, in parts per million. */
const EXCHANGE_FEE_PPM = 14_900n;

interface Quote {
  currencyFrom: CurrencyDef;
  currencyTo: CurrencyDef;
  amount: bigint;
  amountTo: bigint;
  rate: string;
}

function quote(sb: Sandbox, params: Record<string, unknown>): Quote {
  const currencyFrom = reqCurrency(params, 'currencyFrom');
  const currencyTo = reqCurrency(params, 'currencyTo');
  if (currencyFrom.slug === currencyTo.slug) throw Errors.validation('currencyFrom and currencyTo must differ');
  const amount = reqAmount(params, currencyFrom);
  const rate = crossRate(sb, currencyFrom, currencyTo);
  const amountTo = convert(amount, currencyFrom, currencyTo, rate);
  if (amountTo <= 0n) throw Errors.validation('amount is too small to exchange');
  return { currencyFrom, currencyTo, amount, amountTo, rate: formatDecimal(rate) };
}

function quoteBody(q: Quote): Record<string, unknown> {
  return {
    currencyFrom: q.currencyFrom.slug,
    currencyTo: q.currencyTo.slug,
    rate: q.rate,
    amount: formatUnits(q.amount, q.currencyFrom.scale),
    amountTo: formatUnits(q.amountTo, q.currencyTo.scale),
  };
}

function createLock(ctx: Ctx, externalUserId: string | null): Record<string, unknown> {
  const { sb } = ctx;
  const params = queryRecord(ctx.query);
  if (externalUserId !== null) getActiveUser(sb, externalUserId);
  const q = quote(sb, params);
  const lock: RateLock = { lockId: sb.ids.uuid(), externalUserId, ...q, expiresAt: sb.now() + LOCK_TTL_MS, used: false };
  sb.state.locks.set(lock.lockId, lock);
  return { ...quoteBody(q), lockId: lock.lockId, expiresAt: iso(lock.expiresAt) };
}

function createExchange(ctx: Ctx, externalUserId: string | null): Record<string, unknown> {
  const { sb, body } = ctx;
  if (externalUserId !== null) getActiveUser(sb, externalUserId);
  const lockId = reqString(body, 'lockId', 64);
  const currencyFrom = reqCurrency(body, 'currencyFrom');
  const currencyTo = reqCurrency(body, 'currencyTo');
  const amount = reqAmount(body, currencyFrom);
  const lock = sb.state.locks.get(lockId);
  if (!lock || lock.used || lock.externalUserId !== externalUserId) throw Errors.lockNotFound();
  if (lock.expiresAt <= sb.now()) throw Errors.lockExpired();
  if (lock.currencyFrom !== currencyFrom || lock.currencyTo !== currencyTo || lock.amount !== amount) {
    throw Errors.lockNotFound('lock parameters differ from the exchange');
  }
  lock.used = true;
  const now = sb.now();
  const op: ExchangeOp = {
    id: sb.ids.uuid(),
    type: 'EXCHANGE',
    status: 'PENDING',
    amount,
    currency: currencyFrom,
    externalUserId,
    createdAt: now,
    updatedAt: now,
    entries: [],
    currencyTo,
    amountTo: lock.amountTo,
    rate: lock.rate,
    fee: percentCeil(lock.amountTo, EXCHANGE_FEE_PPM),
  };
  const account = accountOf(sb, externalUserId);
  if (!account) throw Errors.invalidUser();
  recordOperation(sb, op, [{ account, direction: 'OUT' }]);
  sb.scheduler.schedule(`exchange ${op.id}`, () => settleExchange(sb, op));
  return { exchangeId: op.id };
}

/** Funds are checked when the exchange settles (integration.md §2): short → FAILED, nothing moves. */
function settleExchange(sb: Sandbox, op: ExchangeOp): void {
  if (op.status !== 'PENDING') return;
  const account = accountOf(sb, op.externalUserId);
  if (account && debit(account, op.currency, op.amount)) {
    credit(account, op.currencyTo, op.amountTo - op.fee);
    setStatus(sb, op, 'COMPLETED');
  } else {
    setStatus(sb, op, 'FAILED');
  }
  sb.emit(WebhookPaths.exchange, {
    exchangeId: op.id,
    externalUserId: op.externalUserId,
    currencyFrom: op.currency.slug,
    currencyTo: op.currencyTo.slug,
    amount: formatUnits(op.amount, op.currency.scale),
    amountTo: formatUnits(op.amountTo, op.currencyTo.scale),
    rate: op.rate,
    status: op.status,
    createdAt: iso(op.createdAt),
  });
}

export function exchangeDetails(op: ExchangeOp): Record<string, unknown> {
  return {
    id: op.id,
    externalUserId: op.externalUserId,
    currencyFrom: op.currency.slug,
    currencyTo: op.currencyTo.slug,
    amount: formatUnits(op.amount, op.currency.scale),
    amountTo: formatUnits(op.amountTo, op.currencyTo.scale),
    rate: op.rate,
    fee: formatUnits(op.fee, op.currencyTo.scale),
    status: op.status,
    createdAt: iso(op.createdAt),
  };
}

export function registerExchangeRoutes(r: Router): void {
  r.add('GET', '/v1/exchange/rate', (ctx) => ok(quoteBody(quote(ctx.sb, queryRecord(ctx.query)))));
  r.add('GET', '/v1/exchange/lock', (ctx) => {
    const id = ctx.query.get('externalUserId');
    if (!id) throw Errors.validation('externalUserId is required');
    return ok(createLock(ctx, id));
  });
  r.add('GET', '/v1/partner/exchange/lock', (ctx) => ok(createLock(ctx, null)));
  r.add('POST', '/v1/exchange', (ctx) => ok(createExchange(ctx, reqString(ctx.body, 'externalUserId', 128))));
  r.add('POST', '/v1/partner/exchange', (ctx) => ok(createExchange(ctx, null)));
  r.add('GET', '/v1/exchange/details/{exchangeId}', (ctx) => {
    const op = ctx.sb.state.ops.get(ctx.params['exchangeId'] ?? '');
    if (op?.type !== 'EXCHANGE') throw Errors.notFound('exchange');
    return ok(exchangeDetails(op));
  });
}
