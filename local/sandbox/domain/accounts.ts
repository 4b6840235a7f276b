import type { Sandbox } from '../sandbox.js';
import { CURRENCIES, type CurrencyDef } from '../state/currencies.js';
import type { Account, Balance, Operation } from '../state/model.js';
import { HistoryIndex, type HistoryEntry } from '../state/history.js';
import { div, formatUnits, mul, parseDecimal, toNumber, toScale, type Decimal } from '../decimal.js';

/** Balances, ledger movements, history entries and rates: the money primitives every flow uses. */

export function emptyBalances(sb: Sandbox): Map<string, Balance> {
  const m = new Map<string, Balance>();
  for (const c of CURRENCIES) {
    m.set(c.slug, { id: sb.ids.uuid(), currency: c, units: 0n, wallet: null, iban: null, status: 'WAITING_TO_BE_ACTIVATED' });
  }
  return m;
}

/** Issues the IBAN (fiat) and deposit wallets (crypto): what activation of an account means. */
export function activateBalances(sb: Sandbox, account: Account): void {
  for (const b of account.balances.values()) {
    b.status = 'ACTIVE';
    if (b.currency.kind === 'fiat') b.iban ??= `LT${sb.ids.digits(18)}`;
    else b.wallet ??= walletAddress(sb, b.currency);
  }
}

export function walletAddress(sb: Sandbox, cur: CurrencyDef): string {
  switch (cur.slug) {
    case 'btc':
      return `tb1q${sb.ids.hex(38)}`;
    case 'ltc':
      return `tltc1q${sb.ids.hex(38)}`;
    case 'doge':
      return `n${sb.ids.hex(33)}`;
    default:
      return `0x${sb.ids.hex(40)}`;
  }
}

export function createPartnerBalances(sb: Sandbox, partner: Account): void {
  for (const [k, v] of emptyBalances(sb)) partner.balances.set(k, v);
  activateBalances(sb, partner);
}

export function newAccountBase(sb: Sandbox): Pick<Account, 'balances' | 'history' | 'whitelistedIbans' | 'depositReference'> {
  return { balances: emptyBalances(sb), history: new HistoryIndex(), whitelistedIbans: new Set(), depositReference: sb.ids.uuid() };
}

export function balanceOf(account: Account, cur: CurrencyDef): Balance {
  const b = account.balances.get(cur.slug);
  if (!b) throw new Error(`no ${cur.slug} balance`);
  return b;
}

export function credit(account: Account, cur: CurrencyDef, units: bigint): void {
  balanceOf(account, cur).units += units;
}

/** Debits when the balance covers it; `false` (and no change) otherwise. */
export function debit(account: Account, cur: CurrencyDef, units: bigint): boolean {
  const b = balanceOf(account, cur);
  if (b.units < units) return false;
  b.units -= units;
  return true;
}

/** EUR value of one unit of `cur`, from the config override or the built-in default. */
export function eurRate(sb: Sandbox, cur: CurrencyDef): Decimal {
  const d = parseDecimal(sb.config.rates[cur.slug] ?? cur.eurRate);
  if (!d || d.units <= 0n) throw new Error(`bad rate for ${cur.slug}`);
  return d;
}

/** Units of `to` per unit of `from`, 12 decimals (enough for eur→btc). */
export function crossRate(sb: Sandbox, from: CurrencyDef, to: CurrencyDef): Decimal {
  return div(eurRate(sb, from), eurRate(sb, to), 12);
}

export function convert(units: bigint, from: CurrencyDef, to: CurrencyDef, rate: Decimal): bigint {
  return toScale(mul({ units, scale: from.scale }, rate), to.scale);
}

export function serializeBalance(sb: Sandbox, b: Balance): Record<string, unknown> {
  const c = b.currency;
  const rate = toNumber(eurRate(sb, c).units, eurRate(sb, c).scale);
  if (c.kind === 'fiat') {
    return { id: b.id, amount: formatUnits(b.units, c.scale), name: c.slug, rate, iban: b.iban, status: b.status };
  }
  const networkConfig: Record<string, unknown> = {};
  for (const n of c.networks) {
    networkConfig[n.key] = {
      mainnet: false,
      name: n.name,
      withdrawal: { feeWithdrawal: Number(n.feeWithdrawal), minWithdrawal: Number(n.minWithdrawal) },
      deposit: { minDeposit: Number(n.minDeposit) },
    };
  }
  return { id: b.id, amount: formatUnits(b.units, c.scale), name: c.slug, wallet: b.wallet, rate, networkConfig };
}

export function splitBalances(sb: Sandbox, account: Account): { fiatBalances: unknown[]; cryptoBalances: unknown[] } {
  const fiatBalances: unknown[] = [];
  const cryptoBalances: unknown[] = [];
  for (const b of account.balances.values()) (b.currency.kind === 'fiat' ? fiatBalances : cryptoBalances).push(serializeBalance(sb, b));
  return { fiatBalances, cryptoBalances };
}

/** Flat non-KYC shape: the eur entry has `wallet: null` and no iban/status/networkConfig. */
export function flatBalances(sb: Sandbox, account: Account): unknown[] {
  return [...account.balances.values()].map((b) => {
    const s = serializeBalance(sb, b);
    if (b.currency.kind !== 'fiat') return s;
    return { id: s['id'], amount: s['amount'], name: s['name'], wallet: null, rate: s['rate'] };
  });
}

/** Registers an accepted operation and writes its history entry into each account it touches. */
export function recordOperation(
  sb: Sandbox,
  op: Operation,
  sides: ReadonlyArray<{ account: Account; direction: 'IN' | 'OUT'; amount?: bigint; currency?: CurrencyDef }>,
): void {
  sb.state.addOperation(op);
  for (const side of sides) {
    const cur = side.currency ?? op.currency;
    const entry: HistoryEntry = {
      id: sb.ids.uuid(),
      type: op.type,
      status: op.status,
      amount: formatUnits(side.amount ?? op.amount, cur.scale),
      currency: cur.slug,
      externalUserId: side.account.externalUserId,
      referenceId: op.id,
      direction: side.direction,
      createdAt: op.createdAt,
      updatedAt: op.updatedAt,
    };
    op.entries.push(entry);
    side.account.history.insert(entry);
  }
}

/** Moves an operation to a new status; its history entries follow. */
export function setStatus<O extends Operation>(sb: Sandbox, op: O, status: O['status']): void {
  op.status = status;
  op.updatedAt = sb.now();
  for (const e of op.entries) {
    e.status = status;
    e.updatedAt = op.updatedAt;
  }
}

export function accountOf(sb: Sandbox, externalUserId: string | null): Account | undefined {
  if (externalUserId === null) return sb.state.partner;
  const u = sb.state.users.get(externalUserId);
  return u && !u.deleted ? u : undefined;
}
