import type { Router } from '../http/router.js';
import { Errors } from '../http/errors.js';
import { message, ok, type Ctx } from '../http/types.js';
import { optString, queryRecord, reqAmount, reqCurrency, reqEnum, reqString } from '../http/validate.js';
import { iso } from '../clock.js';
import { formatUnits, parseDecimal, toNumber, toScale } from '../decimal.js';
import { accountOf, debit, recordOperation, setStatus } from '../domain/accounts.js';
import { getActiveUser, getUser } from '../domain/user-lifecycle.js';
import { completeCryptoDeposit } from '../domain/deposits.js';
import type { Sandbox } from '../sandbox.js';
import { findNetwork, type CurrencyDef, type NetworkConfig } from '../state/currencies.js';
import type { WithdrawalOp } from '../state/model.js';
import { WebhookPaths } from '../webhooks/paths.js';

/** Travel rule, network fee, crypto withdrawals (user and partner) and their details (ASSUMPTIONS C9, C13). */

const WALLET_TYPES = ['CUSTODIAL', 'NON_CUSTODIAL', 'OTHER'] as const;
const RECEIVER_TYPES = ['NATURAL', 'LEGAL'] as const;
const TR_WALLET_TYPES = ['CUSTODIAL', 'SELF_CUSTODY'] as const;

function cryptoCurrency(params: Record<string, unknown>): CurrencyDef {
  const cur = reqCurrency(params, 'currency');
  if (cur.kind !== 'crypto') throw Errors.invalidCurrency();
  return cur;
}

function network(cur: CurrencyDef, input: unknown): NetworkConfig {
  const n = findNetwork(cur, input);
  if (!n) throw Errors.validation(`network not supported for ${cur.slug}`);
  return n;
}

/** Fixed decimals from the currency table at the currency's precision. */
function units(value: string, cur: CurrencyDef): bigint {
  const d = parseDecimal(value);
  return d ? toScale(d, cur.scale) : 0n;
}

export function networkFeeUnits(sb: Sandbox, cur: CurrencyDef, net: NetworkConfig): bigint {
  const override = sb.config.networkFees[`${cur.slug}:${net.key}`] ?? sb.config.networkFees[cur.slug];
  return units(override ?? net.networkFee, cur);
}

function emitWithdrawal(sb: Sandbox, op: WithdrawalOp): void {
  sb.emit(WebhookPaths.cryptoWithdrawal, {
    withdrawalId: op.id,
    externalUserId: op.externalUserId,
    currency: op.currency.slug,
    network: op.network.key,
    amount: formatUnits(op.amount, op.currency.scale),
    status: op.status,
    transactionHash: op.transactionHash,
    createdAt: iso(op.createdAt),
  });
}

function createWithdrawal(ctx: Ctx, externalUserId: string | null): Record<string, unknown> {
  const { sb, body } = ctx;
  if (externalUserId !== null) getActiveUser(sb, externalUserId);
  const cur = cryptoCurrency(body);
  const net = network(cur, body['network']);
  const amount = reqAmount(body, cur);
  const walletAddress = reqString(body, 'walletAddress', 128);
  const memo = optString(body, 'memo', 256) ?? null;
  reqString(body, 'name', 256);
  reqEnum(body, 'walletType', WALLET_TYPES);
  reqEnum(body, 'receiverType', RECEIVER_TYPES);
  if (amount < units(net.minWithdrawal, cur)) throw Errors.validation(`amount is below minWithdrawal ${net.minWithdrawal}`);
  const account = accountOf(sb, externalUserId);
  if (!account) throw Errors.invalidUser();
  const now = sb.now();
  const op: WithdrawalOp = {
    id: sb.ids.uuid(),
    type: 'CRYPTO_WITHDRAWAL',
    status: 'PENDING',
    amount,
    currency: cur,
    externalUserId,
    createdAt: now,
    updatedAt: now,
    entries: [],
    network: net,
    walletAddress,
    memo,
    fee: units(net.feeWithdrawal, cur),
    networkFee: networkFeeUnits(sb, cur, net),
    transactionHash: null,
    errorCode: null,
  };
  recordOperation(sb, op, [{ account, direction: 'OUT' }]);
  // Step 1: funds (amount + service fee + network fee) leave when processing starts, or it fails.
  sb.scheduler.schedule(`withdrawal ${op.id}`, () => {
    if (op.status !== 'PENDING') return;
    const acc = accountOf(sb, op.externalUserId);
    if (!acc || !debit(acc, cur, op.amount + op.fee + op.networkFee)) {
      op.errorCode = 'P433';
      setStatus(sb, op, 'FAILED');
      emitWithdrawal(sb, op);
      return;
    }
    setStatus(sb, op, 'PROCESSING');
    emitWithdrawal(sb, op);
    // Step 2: broadcast on chain.
    sb.scheduler.schedule(`withdrawal-broadcast ${op.id}`, () => {
      if (op.status !== 'PROCESSING') return;
      op.transactionHash = `0x${sb.ids.hex(64)}`;
      setStatus(sb, op, 'SUCCESSFUL');
      emitWithdrawal(sb, op);
    });
  });
  return { withdrawalId: op.id };
}

export function withdrawalDetails(op: WithdrawalOp): Record<string, unknown> {
  const s = op.currency.scale;
  return {
    id: op.id,
    externalUserId: op.externalUserId,
    currency: op.currency.slug,
    network: op.network.key,
    amount: formatUnits(op.amount, s),
    walletAddress: op.walletAddress,
    fee: formatUnits(op.fee, s),
    networkFee: formatUnits(op.networkFee, s),
    status: op.status,
    transactionHash: op.transactionHash,
    error: op.errorCode ? { errorCode: op.errorCode, errorName: 'insufficient-funds' } : null,
    createdAt: iso(op.createdAt),
  };
}

export function registerCryptoRoutes(r: Router): void {
  r.add('PATCH', '/v1/crypto-deposit/update-travel-rule/{cryptoDepositId}', (ctx) => {
    const { sb, body } = ctx;
    const op = sb.state.ops.get(ctx.params['cryptoDepositId'] ?? '');
    if (op?.type !== 'CRYPTO_DEPOSIT') throw Errors.notFound('crypto deposit');
    reqEnum(body, 'walletType', TR_WALLET_TYPES);
    const ext = optString(body, 'externalUserId', 128);
    if (ext !== undefined) {
      getUser(sb, ext);
      if (ext !== op.externalUserId) throw Errors.validation('externalUserId does not own this deposit');
    }
    const details = body['details'];
    if (details === null || typeof details !== 'object' || Array.isArray(details)) throw Errors.validation('details is required');
    if (op.status !== 'WAITING_FOR_TR_DATA') throw Errors.validation(`deposit is ${op.status}, not WAITING_FOR_TR_DATA`);
    op.travelRuleData = details as Record<string, unknown>;
    sb.scheduler.schedule(`travel-rule ${op.id}`, () => completeCryptoDeposit(sb, op));
    return message('Travel rule data updated');
  });

  r.add('GET', '/v1/crypto-withdrawal/get-network-fee', (ctx) => {
    const params = queryRecord(ctx.query);
    const cur = cryptoCurrency(params);
    const net = network(cur, params['network']);
    return ok({ networkFee: toNumber(networkFeeUnits(ctx.sb, cur, net), cur.scale) });
  });

  r.add('POST', '/v1/crypto-withdrawal', (ctx) => ok(createWithdrawal(ctx, reqString(ctx.body, 'sourceExternalUserId', 128))));
  r.add('POST', '/v1/partner/crypto-withdrawal', (ctx) => ok(createWithdrawal(ctx, null)));

  r.add('GET', '/v1/crypto-withdrawal/details/{withdrawalId}', (ctx) => {
    const op = ctx.sb.state.ops.get(ctx.params['withdrawalId'] ?? '');
    if (op?.type !== 'CRYPTO_WITHDRAWAL') throw Errors.notFound('crypto withdrawal');
    return ok(withdrawalDetails(op));
  });
}
