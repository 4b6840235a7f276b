import * as z from 'zod';
import { getOperation } from '../catalog/index.js';
import { historyEntry } from '../catalog/schemas.js';
import type { UpstreamCall } from '../catalog/types.js';
import { p100Client } from './container-client.js';
import { logger } from '../log/logger.js';
import type { OperationType } from '../store/ledger.js';
import { P100BusinessError } from './errors.js';
import { fillPath, resolveUpstream } from './upstream.js';
import { assertSafeFields, safeIdOrDigest, unsafeFields } from '../safe-id.js';

/**
 * What reconciliation reads from P100: transaction history (streamed page by page), operation details,
 * user balances and KYC status. Every read is a catalog operation: its path comes from the catalog entry,
 * so upstream overrides (P100_UPSTREAM_OVERRIDES) apply to reconciliation exactly as to the API.
 */

/** The catalog operations reconciliation reads with (test/unit/reconcile.test.ts checks each is a GET entry). */
export const RECONCILIATION_READS = [
  'getPartnerTransactions',
  'getUserTransactions',
  'getUserBalances',
  'getKycStatus',
  'listUserCards',
  'getExchange',
  'getCryptoWithdrawal',
  'getTransfer',
  'getSepaTransfer',
] as const;

export type ReconciliationRead = (typeof RECONCILIATION_READS)[number];

/** The upstream call of `operationId` as the catalog has it, after overrides (read at run time). */
export function upstreamOf(operationId: ReconciliationRead): UpstreamCall {
  return resolveUpstream(getOperation(operationId));
}

/** Fills every `{name}` placeholder of the template with the one id (the catalog may name it differently). */
function pathWithId(template: string, id: string): string {
  const names = [...template.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string);
  return fillPath(template, Object.fromEntries(names.map((n) => [n, id])));
}

async function read(operationId: ReconciliationRead, id: string | undefined, query?: Record<string, string | undefined>, deadline?: number): Promise<unknown> {
  const up = upstreamOf(operationId);
  const path = id === undefined ? up.path : pathWithId(up.path, id);
  const res = await p100Client().call({ operationId, kind: 'read', method: up.method, path, ...(query ? { query } : {}), ...(deadline ? { deadline } : {}) });
  return res.body;
}

function isNotFound(e: unknown): boolean {
  return e instanceof P100BusinessError && (e.errorCode === 'P466' || e.errorCode === 'P412' || e.httpStatus === 404);
}

// ---------------------------------------------------------------------------------------------------------
// History

export type HistoryEntry = z.output<typeof historyEntry>;

/** An account whose history we read: the partner's own, or one user's. */
export type Account = { kind: 'partner' } | { kind: 'user'; externalUserId: string };

export const accountKey = (a: Account): string => (a.kind === 'partner' ? 'partner' : `user:${a.externalUserId}`);

/** Where a stream resumes: the last entry already processed (A7 orders by createdAt, then id). */
export interface HistoryCursor {
  createdAt: string;
  id: string;
}

export interface HistoryPage {
  entries: HistoryEntry[];
  /** Entries P100 sent that we could not read (logged, counted, never silently dropped). */
  unreadable: number;
  /**
   * Entries refused before they reach a key, a URL or a log line: unreadable, or failing the safe-id rule
   * (shared/safe-id.ts). `id` is safe (the id, or its `unsafe:<digest>` stand-in); reconciliation quarantines each.
   */
  rejected: { id: string; reason: string }[];
}

const DECIMAL = /^-?\d{1,30}(\.\d{1,30})?$/;
const CURRENCY_SLUG = /^[a-z0-9]{2,12}$/;

const pageShape = z.looseObject({ transactions: z.array(z.unknown()), totalPages: z.number().int().optional() });

/** Sorts as A7 does: createdAt (as instants), then id. */
export function compareCursor(a: HistoryCursor, b: HistoryCursor): number {
  const ta = Date.parse(a.createdAt);
  const tb = Date.parse(b.createdAt);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * P100 history of one account in `[from, to)`, after `cursor`, one page at a time. An async generator so
 * the caller holds one page at most, however long the history: the memory stays flat.
 *
 * @example
 * for await (const page of historyPages({ kind: 'partner' }, { to })) handle(page.entries);
 */
export async function* historyPages(
  account: Account,
  window: { from?: string; to: string },
  opts: { cursor?: HistoryCursor; pageSize?: number } = {},
): AsyncGenerator<HistoryPage> {
  const operationId = account.kind === 'partner' ? 'getPartnerTransactions' : 'getUserTransactions';
  const pageSize = opts.pageSize ?? 100;
  // Resume at the cursor's instant (inclusive) and skip what was processed: entries sharing that
  // instant are then neither lost nor counted twice.
  const from = opts.cursor && (!window.from || Date.parse(opts.cursor.createdAt) >= Date.parse(window.from)) ? opts.cursor.createdAt : window.from;
  const id = account.kind === 'user' ? account.externalUserId : undefined;
  for (let page = 1; ; page++) {
    const body = await read(operationId, id, { page: String(page), pageSize: String(pageSize), ...(from ? { from } : {}), to: window.to });
    const parsed = pageShape.safeParse(body);
    if (!parsed.success) throw new Error(`${operationId}: P100 history page ${page} is not in the A7 shape`);
    const entries: HistoryEntry[] = [];
    const rejected: HistoryPage['rejected'] = [];
    let unreadable = 0;
    for (const raw of parsed.data.transactions) {
      const rawId = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).id : undefined;
      const e = historyEntry.safeParse(raw);
      if (!e.success) {
        unreadable++;
        rejected.push({
          id: safeIdOrDigest(rawId),
          reason: `unreadable: ${e.error.issues.map((i) => `${i.path.join('.') || '(entry)'} ${i.message}`).join('; ')}`,
        });
        continue;
      }
      const unsafe = unsafeFields(e.data, { ids: ['id'], optionalIds: ['referenceId', 'externalUserId'], statuses: ['type', 'status'] });
      // Money and time too: a ledger record made from this entry must hold a decimal, a currency slug, an instant.
      if (!DECIMAL.test(e.data.amount)) unsafe.push('amount: not a decimal');
      if (!CURRENCY_SLUG.test(e.data.currency)) unsafe.push('currency: not a currency slug');
      if (Number.isNaN(Date.parse(e.data.createdAt))) unsafe.push('createdAt: not an instant');
      if (unsafe.length) {
        rejected.push({ id: safeIdOrDigest(rawId), reason: `unsafe: ${unsafe.join('; ')}` });
        continue;
      }
      if (opts.cursor && compareCursor(e.data, opts.cursor) <= 0) continue;
      entries.push(e.data);
    }
    if (rejected.length) logger.warn('history entries refused', { operationId, page, unreadable, unsafe: rejected.length - unreadable });
    yield { entries, unreadable, rejected };
    const n = parsed.data.transactions.length;
    const totalPages = parsed.data.totalPages;
    if (n === 0 || n < pageSize || (totalPages !== undefined && page >= totalPages)) return;
  }
}

/** History `type` (A8) → ledger operation type. */
export function ledgerTypeOf(historyType: string): OperationType | undefined {
  switch (historyType) {
    case 'EXCHANGE':
    case 'CRYPTO_WITHDRAWAL':
    case 'CRYPTO_DEPOSIT':
    case 'TRANSFER':
    case 'SEPA_TRANSFER':
    case 'SEPA_DEPOSIT':
    case 'CARD_TRANSACTION':
      return historyType;
    case 'P2P_TRANSFER':
      return 'TRANSFER';
    default:
      return undefined;
  }
}

/** Ledger types that appear in P100 history (a card itself does not). */
export const HISTORY_LEDGER_TYPES: readonly OperationType[] = [
  'EXCHANGE',
  'CRYPTO_WITHDRAWAL',
  'CRYPTO_DEPOSIT',
  'TRANSFER',
  'P2P_TRANSFER',
  'SEPA_TRANSFER',
  'SEPA_DEPOSIT',
  'CARD_TRANSACTION',
];

// ---------------------------------------------------------------------------------------------------------
// Details

const DETAILS_OPERATION: Partial<Record<OperationType, ReconciliationRead>> = {
  EXCHANGE: 'getExchange',
  CRYPTO_WITHDRAWAL: 'getCryptoWithdrawal',
  TRANSFER: 'getTransfer',
  P2P_TRANSFER: 'getTransfer',
  SEPA_TRANSFER: 'getSepaTransfer',
};

export const hasDetailsEndpoint = (type: OperationType): boolean => DETAILS_OPERATION[type] !== undefined;

const detailsShape = z.looseObject({
  status: z.string().transform((s) => s.toUpperCase()),
  amount: z.union([z.string(), z.number()]).transform(String).optional(),
  currency: z
    .string()
    .transform((s) => s.toLowerCase())
    .optional(),
  currencyFrom: z
    .string()
    .transform((s) => s.toLowerCase())
    .optional(),
});

export interface OperationDetails {
  status: string;
  amount?: string;
  currency?: string;
}

/** P100's details of one operation; `null` when P100 does not know it (P466 / 404). */
export async function fetchDetails(type: OperationType, id: string): Promise<OperationDetails | null> {
  const operationId = DETAILS_OPERATION[type];
  if (!operationId) throw new Error(`No details endpoint for ${type}`);
  let body: unknown;
  try {
    body = await read(operationId, id);
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
  const d = detailsShape.parse(body);
  assertSafeFields(`${operationId} answer`, d, { statuses: ['status'] });
  const currency = d.currency ?? d.currencyFrom;
  return { status: d.status, ...(d.amount !== undefined ? { amount: d.amount } : {}), ...(currency ? { currency } : {}) };
}

// ---------------------------------------------------------------------------------------------------------
// Users

const balanceShape = z.looseObject({ status: z.string().optional(), name: z.string().optional() });
const balancesShape = z.looseObject({
  poaRequired: z.boolean().optional(),
  // ASSUMPTIONS.md R8: sent by P100 or not; compared only when present.
  status: z.string().optional(),
  poaStatus: z.string().optional(),
  fiatBalances: z.array(balanceShape).optional(),
  cryptoBalances: z.array(balanceShape).optional(),
  balances: z.array(balanceShape).optional(),
});

export type UserAtP100 = { exists: false } | { exists: true; active: boolean; poaRequired?: boolean; status?: string; poaStatus?: string };

/**
 * What P100's balances tell about a user: unknown (P412), or known and active or not. Activation is
 * visible (a KYC user's fiat balance turns ACTIVE with its IBAN; a non-KYC user has balances from the
 * start); suspension is not (C5: balances keep their status), so it is not judged here.
 */
export async function fetchUserAtP100(externalUserId: string): Promise<UserAtP100> {
  let body: unknown;
  try {
    body = await read('getUserBalances', externalUserId);
  } catch (e) {
    if (isNotFound(e)) return { exists: false };
    throw e;
  }
  const b = balancesShape.parse(body);
  assertSafeFields('getUserBalances answer', b, { statuses: [...(b.status ? ['status'] : []), ...(b.poaStatus ? ['poaStatus'] : [])] });
  const fiat = b.fiatBalances ?? [];
  const active = b.balances !== undefined ? b.balances.length > 0 : fiat.length > 0 && fiat.every((x) => (x.status ?? 'ACTIVE').toUpperCase() === 'ACTIVE');
  return {
    exists: true,
    active,
    ...(b.poaRequired !== undefined ? { poaRequired: b.poaRequired } : {}),
    ...(b.status ? { status: b.status.toUpperCase() } : {}),
    // NONE: no POA review ever started, nothing to compare.
    ...(b.poaStatus && b.poaStatus.toUpperCase() !== 'NONE' ? { poaStatus: b.poaStatus.toUpperCase() } : {}),
  };
}

/** KYC-by-P100: the user's current verification (C7), or undefined when P100 has none for the user. */
export async function fetchKycStatus(externalUserId: string): Promise<{ verificationId?: string; status: string } | undefined> {
  try {
    const body = await read('getKycStatus', externalUserId);
    const s = z.looseObject({ status: z.string(), verificationId: z.string().optional() }).safeParse(body);
    if (s.success) assertSafeFields('getKycStatus answer', s.data, { statuses: ['status'], optionalIds: ['verificationId'] });
    return s.success ? { status: s.data.status.toUpperCase(), ...(s.data.verificationId ? { verificationId: s.data.verificationId } : {}) } : undefined;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** The user's cards and their status (V2; deleted cards are left out, F11), or undefined when P100 refuses. */
export async function fetchUserCards(externalUserId: string): Promise<{ cardId: string; status: string }[] | undefined> {
  try {
    const body = await read('listUserCards', externalUserId);
    const s = z.looseObject({ cards: z.array(z.looseObject({ cardId: z.string(), status: z.string() })) }).safeParse(body);
    if (s.success) for (const c of s.data.cards) assertSafeFields('listUserCards answer', c, { ids: ['cardId'], statuses: ['status'] });
    return s.success ? s.data.cards.map((c) => ({ cardId: c.cardId, status: c.status.toUpperCase() })) : undefined;
  } catch (e) {
    if (e instanceof P100BusinessError) return undefined;
    throw e;
  }
}
