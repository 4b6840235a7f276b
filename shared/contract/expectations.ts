import { lifecycles, type LifecycleName } from '../webhooks/lifecycles.js';
import type { HttpMethod } from '../catalog/types.js';

/**
 * What the contract check expects of P100 beyond the catalog's schemas, each line traced to
 * shared/p100/ASSUMPTIONS.md or the reference (shared/p100-api/). Data, so a reader finds in one place
 * what a run holds P100 to.
 */

/** Success statuses P100 answers (ASSUMPTIONS F1): 201 where the sandbox reading chose it, 200 otherwise. */
const CREATED_201 = new Set(['createUser', 'createUserWithoutKyc', 'addKycFile', 'addPoaFile', 'createKycVerification', 'createCard', 'createTransfer']);

export function expectedSuccessStatus(operationId: string): number {
  return CREATED_201.has(operationId) ? 201 : 200;
}

/**
 * Status fields and the lifecycle whose states they may hold (shared/webhooks/lifecycles.ts). A value outside
 * the table is an `enum-value` drift: the webhook processor would park such a status as unknown (E11).
 */
const STATUS_FIELDS: Readonly<Record<string, Readonly<Record<string, LifecycleName | 'history'>>>> = {
  getUserBalances: { status: 'userStatus', poaStatus: 'poa' },
  getKycStatus: { status: 'kycVerification' },
  createKycVerification: { status: 'kycVerification' },
  getExchange: { status: 'exchange' },
  getCryptoWithdrawal: { status: 'cryptoWithdrawal' },
  getTransfer: { status: 'transfer' },
  getSepaTransfer: { status: 'sepaTransfer' },
  getPartnerSepaTransfer: { status: 'sepaTransfer' },
  listUserCards: { 'cards[].status': 'card' },
  getCard: { status: 'card' },
  getPartnerTransactions: { 'transactions[].status': 'history' },
  getUserTransactions: { 'transactions[].status': 'history' },
};

/** POA before any upload reads `NONE` (ASSUMPTIONS F16), a state no webhook announces. */
const EXTRA_STATES: Partial<Record<LifecycleName, readonly string[]>> = { poa: ['NONE'] };

/** History entries (A8) carry the status of the operation they record: any state of an operation lifecycle. */
const HISTORY_LIFECYCLES: readonly LifecycleName[] = [
  'exchange',
  'cryptoWithdrawal',
  'cryptoDeposit',
  'transfer',
  'sepaTransfer',
  'sepaDeposit',
  'cardTransaction',
];

/** Allowed values per field path of an operation's answer (upper case), for the strict walk. */
export function allowedStatusValues(operationId: string): Record<string, readonly string[]> {
  const fields = STATUS_FIELDS[operationId] ?? {};
  return Object.fromEntries(
    Object.entries(fields).map(([path, name]) => {
      const states = name === 'history' ? HISTORY_LIFECYCLES.flatMap((l) => lifecycles[l].states) : [...lifecycles[name].states, ...(EXTRA_STATES[name] ?? [])];
      return [path, [...new Set(states)]];
    }),
  );
}

/** A path the reference names for an operation besides the one the catalog chose. */
export interface AlternativePath {
  method?: HttpMethod;
  path: string;
  /** Where the reference names it. */
  source: string;
}

/**
 * Alternative upstream paths the reference lists (README "Contradictions", endpoint notes). A run tries them,
 * in order, when the assumed path answers 404/405 without a P100 error code, and proposes the
 * `P100_UPSTREAM_OVERRIDES` entry of the first that answers. Only paths the reference names: guesses of our own
 * would propose an override nobody can trace.
 */
export const ALTERNATIVE_PATHS: Readonly<Record<string, readonly AlternativePath[]>> = {
  getUserBalances: [{ path: '/v1/user/{externalUserId}/balances', source: 'reference README contradiction 1 (third-party code)' }],
  extendUser: [{ path: '/user/balances/extended', source: 'reference README contradiction 2 (seed page without /v1)' }],
  createPartnerExchange: [{ path: '/v1/exchange/execute', source: 'reference README contradiction 3 (prose "POST /exchange/execute")' }],
  createPartnerExchangeLock: [
    { method: 'POST', path: '/v1/partner/exchange/lock', source: 'endpoints-part1.md §2.3 (prose "POST /exchange/lock")' },
    { method: 'POST', path: '/v1/exchange/lock', source: 'endpoints-part1.md §2.3 (prose "POST /exchange/lock")' },
  ],
  getExchange: [
    { path: '/v1/exchange/{exchangeId}', source: 'endpoints-part1.md §2.4 (prose "GET /exchange/{exchangeId}")' },
    { path: '/exchange/{exchangeId}', source: 'endpoints-part1.md §2.4 (prose, without /v1)' },
  ],
  createPartnerCryptoWithdrawal: [{ path: '/v1/crypto-withdrawal', source: 'endpoints-part1.md §2.5 (user-level analogue)' }],
};

/**
 * The error code an id P100 never issued is answered with (ASSUMPTIONS §D): an unknown user `P412` (400),
 * an unknown exchange, withdrawal, transfer or verification `P466` (404). A read-only run calls each read with
 * such an id: the answer tells whether the path exists (a P100 error body) and whether the code is the one assumed.
 */
export interface ErrorProbe {
  httpStatus: number;
  errorCode: string;
  /** The report row it bears on: `D/P412` for a code of ASSUMPTIONS table D (codes, not ids), `ref/P428` for a documented one. */
  assumption: string;
}

export const ABSENT_USER: ErrorProbe = { httpStatus: 400, errorCode: 'P412', assumption: 'D/P412' };
export const ABSENT_ENTITY: ErrorProbe = { httpStatus: 404, errorCode: 'P466', assumption: 'D/P466' };
/** SEPA transfer details of an unknown id: documented (integration.md "Not-found", endpoints-part1.md §2.7). */
export const ABSENT_SEPA_TRANSFER: ErrorProbe = { httpStatus: 404, errorCode: 'P428', assumption: 'ref/P428' };
/** A KYC-only call for a non-KYC user (ASSUMPTIONS §D P467, F11). */
export const KYC_MODEL_REQUIRED: ErrorProbe = { httpStatus: 400, errorCode: 'P467', assumption: 'D/P467' };
/** createUser with an `externalUserId` already used (§D P411): the answer of every re-run's create. */
export const USER_EXISTS: ErrorProbe = { httpStatus: 400, errorCode: 'P411', assumption: 'D/P411' };

/** The expected answer of one call: a success (status per ASSUMPTIONS F1), or a P100 error code (§D). */
export type Expectation = { success: true; alsoAccept?: ErrorProbe } | { error: ErrorProbe };
