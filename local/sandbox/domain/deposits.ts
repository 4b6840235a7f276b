import type { Sandbox } from '../sandbox.js';
import { ControlError } from '../http/errors.js';
import { iso } from '../clock.js';
import { formatUnits, parseAmount, parseDecimal, toScale } from '../decimal.js';
import { accountOf, credit, recordOperation, setStatus } from './accounts.js';
import { findCurrency, findNetwork } from '../state/currencies.js';
import type { CryptoDepositOp, SepaDepositOp, User } from '../state/model.js';
import { WebhookPaths } from '../webhooks/paths.js';
import { normaliseIban } from '../http/validate.js';

/**
 * Incoming money, started by control routes (P100 has no "create deposit" call): crypto deposits
 * with the travel-rule hold, and SEPA deposits with the IBAN name check and whitelisting.
 */

export interface CryptoDepositInput {
  depositId?: string;
  externalUserId?: string | null;
  currency: string;
  amount: string | number;
  network?: string;
  travelRule?: boolean;
}

function emitCryptoDeposit(sb: Sandbox, op: CryptoDepositOp): void {
  sb.emit(WebhookPaths.cryptoDeposit, {
    externalUserId: op.externalUserId,
    cryptoDepositId: op.id,
    amount: formatUnits(op.amount, op.currency.scale),
    currency: op.currency.slug,
    status: op.status,
    transactionHash: op.transactionHash,
    createdAt: iso(op.createdAt),
  });
}

/** Detected on chain → WAITING_FOR_VERIFICATION; settles to UNSUCCESSFUL (below minDeposit), WAITING_FOR_TR_DATA, or SUCCESSFUL. */
export function startCryptoDeposit(sb: Sandbox, input: CryptoDepositInput): { op: CryptoDepositOp; replayed: boolean } {
  if (input.depositId !== undefined) {
    const existing = sb.state.ops.get(input.depositId);
    if (existing?.type === 'CRYPTO_DEPOSIT') return { op: existing, replayed: true };
    if (existing) throw new ControlError(409, 'depositId is used by another operation');
  }
  const cur = findCurrency(input.currency);
  if (cur?.kind !== 'crypto') throw new ControlError(400, 'currency must be a crypto slug');
  const network = findNetwork(cur, input.network);
  if (!network) throw new ControlError(400, `network not available for ${cur.slug}`);
  const amount = parseAmount(input.amount, cur.scale);
  if (amount === null) throw new ControlError(400, 'amount must be a positive decimal within the currency precision');
  const externalUserId = input.externalUserId ?? null;
  const account = accountOf(sb, externalUserId);
  if (!account) throw new ControlError(404, 'unknown externalUserId');
  if (externalUserId !== null && (account as User).status === 'WAITING_FOR_VERIFICATION') throw new ControlError(400, 'user has no wallets yet');
  const now = sb.now();
  const op: CryptoDepositOp = {
    id: input.depositId ?? sb.ids.uuid(),
    type: 'CRYPTO_DEPOSIT',
    status: 'WAITING_FOR_VERIFICATION',
    amount,
    currency: cur,
    externalUserId,
    createdAt: now,
    updatedAt: now,
    entries: [],
    network,
    transactionHash: `0x${sb.ids.hex(64)}`,
    travelRule: input.travelRule === true,
    travelRuleData: null,
  };
  recordOperation(sb, op, [{ account, direction: 'IN' }]);
  emitCryptoDeposit(sb, op);
  sb.scheduler.schedule(`crypto-deposit ${op.id}`, () => {
    if (op.status !== 'WAITING_FOR_VERIFICATION') return;
    const min = parseDecimal(network.minDeposit);
    if (min && op.amount < toScale(min, cur.scale)) {
      setStatus(sb, op, 'UNSUCCESSFUL');
      emitCryptoDeposit(sb, op);
    } else if (op.travelRule) {
      setStatus(sb, op, 'WAITING_FOR_TR_DATA');
      emitCryptoDeposit(sb, op);
    } else {
      completeCryptoDeposit(sb, op);
    }
  });
  return { op, replayed: false };
}

export function completeCryptoDeposit(sb: Sandbox, op: CryptoDepositOp): void {
  if (op.status === 'SUCCESSFUL' || op.status === 'UNSUCCESSFUL') return;
  const account = accountOf(sb, op.externalUserId);
  if (!account) {
    setStatus(sb, op, 'UNSUCCESSFUL');
  } else {
    credit(account, op.currency, op.amount);
    setStatus(sb, op, 'SUCCESSFUL');
  }
  emitCryptoDeposit(sb, op);
}

export function cryptoDepositDetails(op: CryptoDepositOp): Record<string, unknown> {
  return {
    cryptoDepositId: op.id,
    externalUserId: op.externalUserId,
    currency: op.currency.slug,
    network: op.network.key,
    amount: formatUnits(op.amount, op.currency.scale),
    status: op.status,
    transactionHash: op.transactionHash,
    createdAt: iso(op.createdAt),
  };
}

export interface SepaDepositInput {
  depositId?: string;
  externalUserId?: string | null;
  amount: string | number;
  senderName: string;
  senderIban: string;
  title?: string;
}

function nameMatches(profile: Record<string, string>, senderName: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  const first = profile['firstName'];
  const last = profile['lastName'];
  // A user without names on file cannot be matched against; P100 would send it to manual review,
  // the sandbox approves it so tests of other flows need not invent names.
  if (!first && !last) return true;
  const sender = norm(senderName);
  return norm(`${first ?? ''} ${last ?? ''}`) === sender || norm(`${last ?? ''} ${first ?? ''}`) === sender;
}

/**
 * Incoming SEPA credit: IBAN Status PENDING at once; after the settle delay the name check decides:
 * APPROVED → credit, whitelist the sender IBAN, SEPA Deposit SUCCESSFUL; REJECTED → refunded.
 */
export function startSepaDeposit(sb: Sandbox, input: SepaDepositInput): { op: SepaDepositOp; replayed: boolean } {
  if (input.depositId !== undefined) {
    const existing = sb.state.ops.get(input.depositId);
    if (existing?.type === 'SEPA_DEPOSIT') return { op: existing, replayed: true };
    if (existing) throw new ControlError(409, 'depositId is used by another operation');
  }
  const eur = findCurrency('eur');
  if (!eur) throw new Error('eur missing');
  const amount = parseAmount(input.amount, eur.scale);
  if (amount === null) throw new ControlError(400, 'amount must be a positive decimal with at most 2 decimals');
  if (typeof input.senderName !== 'string' || input.senderName.trim() === '') throw new ControlError(400, 'senderName is required');
  if (typeof input.senderIban !== 'string' || !/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(normaliseIban(input.senderIban))) {
    throw new ControlError(400, 'senderIban is not an IBAN');
  }
  const externalUserId = input.externalUserId ?? null;
  const account = accountOf(sb, externalUserId);
  if (!account) throw new ControlError(404, 'unknown externalUserId');
  if (externalUserId !== null && (account as User).model !== 'KYC') throw new ControlError(400, 'SEPA deposits need a KYC user');
  const now = sb.now();
  const op: SepaDepositOp = {
    id: input.depositId ?? sb.ids.uuid(),
    type: 'SEPA_DEPOSIT',
    status: 'PENDING',
    amount,
    currency: eur,
    externalUserId,
    createdAt: now,
    updatedAt: now,
    entries: [],
    senderName: input.senderName,
    senderIban: normaliseIban(input.senderIban),
    title: input.title ?? account.depositReference,
    ibanStatus: 'PENDING',
  };
  recordOperation(sb, op, [{ account, direction: 'IN' }]);
  const ibanEvent = () => ({ externalUserId: op.externalUserId, iban: op.senderIban, depositId: op.id, status: op.ibanStatus });
  sb.emit(WebhookPaths.ibanStatus, ibanEvent());
  sb.scheduler.schedule(`sepa-deposit ${op.id}`, () => {
    if (op.status !== 'PENDING') return;
    const matched = externalUserId === null || nameMatches((account as User).profile, op.senderName);
    op.ibanStatus = matched ? 'APPROVED' : 'REJECTED';
    sb.emit(WebhookPaths.ibanStatus, ibanEvent());
    if (!matched) {
      setStatus(sb, op, 'REJECTED');
      return;
    }
    account.whitelistedIbans.add(op.senderIban);
    credit(account, eur, op.amount);
    setStatus(sb, op, 'SUCCESSFUL');
    sb.emit(WebhookPaths.sepaDeposit, sepaDepositDetails(op));
  });
  return { op, replayed: false };
}

export function sepaDepositDetails(op: SepaDepositOp): Record<string, unknown> {
  return {
    id: op.id,
    externalUserId: op.externalUserId,
    amount: formatUnits(op.amount, op.currency.scale),
    currency: op.currency.slug,
    senderName: op.senderName,
    senderIban: op.senderIban,
    title: op.title,
    status: op.status,
    createdAt: iso(op.createdAt),
  };
}
