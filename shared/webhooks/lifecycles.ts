/**
 * The lifecycles P100 entities walk, one transition table each, as data beside the webhook catalog
 * (ARCHITECTURE.md "Webhooks" step 4). The ledger (shared/store/ledger.ts, ledger-users.ts), the webhook
 * processor, the operation handlers that change a state themselves (shared/ledger-recording/user-steps.ts) and
 * reconciliation all decide with `checkTransition` on these tables; nothing else ranks statuses.
 *
 * Every edge names where it comes from: the reference (`webhooks.md §2.3`, `endpoints-part2.md §4`, ...)
 * or an id of shared/p100/ASSUMPTIONS.md. Cycles (ACTIVE ⇄ SUSPENDED, REJECTED → WAITING → APPROVED,
 * SETTLED → REVERSED) are edges like any other.
 *
 * Two edges of our own exist in every operation lifecycle (ASSUMPTIONS.md R3, E4):
 * - `UNKNOWN` (a write whose outcome we could not see) may become any state P100 reports;
 * - an entity we hold no record of may start in any known state (a webhook that raced ahead of our own
 *   write, or the first event after a dropped one).
 */

export interface LifecycleEdge {
  from: string;
  to: string;
  /** The reference section or ASSUMPTIONS.md id this edge rests on. */
  source: string;
}

export interface Lifecycle {
  /** Stable name (also the key of `lifecycles`). */
  name: LifecycleName;
  /** Every status this lifecycle knows; anything else is an unknown status (kept, never applied). */
  states: readonly string[];
  edges: readonly LifecycleEdge[];
  /** Webhook (shared/webhooks/catalog.ts) whose detail-type a change of this lifecycle is published as. */
  webhook?: string;
  /** Detail-type of a change of a lifecycle no webhook announces (card status: reconciliation publishes it). */
  detailType?: string;
  /** What P100 lets us read back for reconciliation, or why nothing (ASSUMPTIONS.md R8). */
  read: string;
}

export type LifecycleName =
  | 'userStatus'
  | 'kycFile'
  | 'poa'
  | 'kycVerification'
  | 'ibanStatus'
  | 'cryptoDeposit'
  | 'exchange'
  | 'cryptoWithdrawal'
  | 'transfer'
  | 'sepaTransfer'
  | 'sepaDeposit'
  | 'card'
  | 'cardTransaction';

/** `from → each of to`, all from one source: keeps the tables readable. */
function fan(from: readonly string[], to: readonly string[], source: string): LifecycleEdge[] {
  return from.flatMap((f) => to.filter((t) => t !== f).map((t) => ({ from: f, to: t, source })));
}

/**
 * Our own states of an operation we started: `PENDING` (P100 accepted, nothing heard yet), `UNKNOWN`
 * (ambiguous write) and `RESOLVED` (an UNKNOWN record that reconciliation linked to P100's id, R3).
 */
const OWN_OPERATION_EDGES = (states: readonly string[]): LifecycleEdge[] => [...fan(['UNKNOWN'], [...states, 'RESOLVED', 'FAILED'], 'ASSUMPTIONS R3')];

function operation(name: LifecycleName, states: readonly string[], edges: LifecycleEdge[], webhook: string, read: string): Lifecycle {
  const all = [...new Set([...states, 'UNKNOWN', 'RESOLVED', 'FAILED'])];
  return { name, states: all, edges: [...edges, ...OWN_OPERATION_EDGES(states)], webhook, read };
}

export const lifecycles: Readonly<Record<LifecycleName, Lifecycle>> = {
  userStatus: {
    name: 'userStatus',
    states: ['WAITING_FOR_VERIFICATION', 'ACTIVE', 'SUSPENDED', 'DELETED'],
    edges: [
      { from: 'WAITING_FOR_VERIFICATION', to: 'ACTIVE', source: 'webhooks.md §2.1' },
      { from: 'ACTIVE', to: 'SUSPENDED', source: 'ASSUMPTIONS C5' },
      { from: 'SUSPENDED', to: 'ACTIVE', source: 'ASSUMPTIONS C5' },
      { from: 'WAITING_FOR_VERIFICATION', to: 'SUSPENDED', source: 'ASSUMPTIONS C5' },
      { from: 'SUSPENDED', to: 'WAITING_FOR_VERIFICATION', source: 'ASSUMPTIONS C5' },
      ...fan(['WAITING_FOR_VERIFICATION', 'ACTIVE', 'SUSPENDED'], ['DELETED'], 'ASSUMPTIONS C4'),
    ],
    webhook: 'userStatus',
    read: 'U10 balances: activation (C6) and `status` when P100 sends it (ASSUMPTIONS R8)',
  },
  kycFile: {
    name: 'kycFile',
    // One entity per file type; each upload is answered ADDED or ERROR, a new upload replaces the answer.
    states: ['ADDED', 'ERROR'],
    edges: [
      { from: 'ERROR', to: 'ADDED', source: 'webhooks.md §2.2' },
      { from: 'ADDED', to: 'ERROR', source: 'ASSUMPTIONS E10' },
    ],
    webhook: 'kycFileAdded',
    read: 'none: P100 offers no read of a KYC file (ASSUMPTIONS R8)',
  },
  poa: {
    name: 'poa',
    states: ['WAITING', 'APPROVED', 'REJECTED', 'QUESTIONED'],
    edges: [
      ...fan(['WAITING'], ['APPROVED', 'REJECTED', 'QUESTIONED'], 'webhooks.md §2.3'),
      { from: 'QUESTIONED', to: 'WAITING', source: 'webhooks.md §2.3' },
      // "a different document is needed": the re-upload is a new review of the same user's POA.
      { from: 'REJECTED', to: 'WAITING', source: 'ASSUMPTIONS E10' },
    ],
    webhook: 'poaVerificationStatus',
    read: 'U10 balances: `poaStatus` when P100 sends it (ASSUMPTIONS R8); otherwise none',
  },
  kycVerification: {
    name: 'kycVerification',
    // Per verificationId: a rejected user starts a NEW verification (F9), it does not reopen this one.
    states: ['CREATED', 'PENDING', 'APPROVED', 'REJECTED'],
    edges: [{ from: 'CREATED', to: 'PENDING', source: 'ASSUMPTIONS C7, F9' }, ...fan(['CREATED', 'PENDING'], ['APPROVED', 'REJECTED'], 'ASSUMPTIONS C7')],
    webhook: 'kycVerificationStatus',
    read: "K3 KYC status (the user's current verification: verificationId + status)",
  },
  ibanStatus: operation(
    'ibanStatus',
    ['PENDING', 'APPROVED', 'REJECTED'],
    fan(['PENDING'], ['APPROVED', 'REJECTED'], 'webhooks.md §2.8'),
    'ibanStatus',
    'history (A8) through the SEPA deposit it belongs to',
  ),
  cryptoDeposit: operation(
    'cryptoDeposit',
    ['WAITING_FOR_VERIFICATION', 'WAITING_FOR_TR_DATA', 'SUCCESSFUL', 'UNSUCCESSFUL'],
    [
      { from: 'WAITING_FOR_VERIFICATION', to: 'WAITING_FOR_TR_DATA', source: 'webhooks.md §2.10, Idempotency guidance' },
      // Travel-rule data supplied (C13): the deposit goes back to verification, then settles.
      { from: 'WAITING_FOR_TR_DATA', to: 'WAITING_FOR_VERIFICATION', source: 'ASSUMPTIONS E10, C13' },
      ...fan(['WAITING_FOR_VERIFICATION', 'WAITING_FOR_TR_DATA'], ['SUCCESSFUL', 'UNSUCCESSFUL'], 'webhooks.md §2.10'),
    ],
    'cryptoDeposit',
    'history (A8): type CRYPTO_DEPOSIT, status',
  ),
  exchange: operation(
    'exchange',
    ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED'],
    [{ from: 'PENDING', to: 'PROCESSING', source: 'ASSUMPTIONS C8' }, ...fan(['PENDING', 'PROCESSING'], ['COMPLETED', 'FAILED'], 'ASSUMPTIONS C8')],
    'exchange',
    'E4 exchange details and history (A8)',
  ),
  cryptoWithdrawal: operation(
    'cryptoWithdrawal',
    ['PENDING', 'PROCESSING', 'SUCCESSFUL', 'FAILED'],
    [{ from: 'PENDING', to: 'PROCESSING', source: 'ASSUMPTIONS C9' }, ...fan(['PENDING', 'PROCESSING'], ['SUCCESSFUL', 'FAILED'], 'ASSUMPTIONS C9')],
    'cryptoWithdrawal',
    'C4 withdrawal details and history (A8)',
  ),
  transfer: operation(
    'transfer',
    ['PENDING', 'PROCESSING', 'SUCCESSFUL', 'FAILED'],
    [{ from: 'PENDING', to: 'PROCESSING', source: 'ASSUMPTIONS E5' }, ...fan(['PENDING', 'PROCESSING'], ['SUCCESSFUL', 'FAILED'], 'ASSUMPTIONS C10')],
    'p2pTransfer',
    'T2 transfer details and history (A8)',
  ),
  sepaTransfer: operation(
    'sepaTransfer',
    ['PENDING', 'PROCESSING', 'SUCCESSFUL', 'FAILED'],
    [
      { from: 'PENDING', to: 'PROCESSING', source: 'webhooks.md §1 (3P sepa_transfer.processing)' },
      ...fan(['PENDING', 'PROCESSING'], ['SUCCESSFUL', 'FAILED'], 'webhooks.md §2.6'),
    ],
    'sepaTransfer',
    'P7 SEPA transfer details and history (A8)',
  ),
  sepaDeposit: operation(
    'sepaDeposit',
    ['PENDING', 'PROCESSING', 'SUCCESSFUL', 'REJECTED', 'FAILED'],
    [
      // The IBAN name check (E5: APPROVED → PROCESSING) runs before the credit (webhooks.md §2.7, §2.8).
      { from: 'PENDING', to: 'PROCESSING', source: 'webhooks.md §2.8, ASSUMPTIONS E5' },
      ...fan(['PENDING', 'PROCESSING'], ['SUCCESSFUL', 'FAILED'], 'webhooks.md §2.7'),
      { from: 'PENDING', to: 'REJECTED', source: 'webhooks.md §2.8, ASSUMPTIONS E5' },
    ],
    'sepaDeposit',
    'history (A8): type SEPA_DEPOSIT, status',
  ),
  card: {
    name: 'card',
    states: ['PENDING', 'ACTIVE', 'LOCKED_BY_USER', 'BLOCKED', 'SUSPENDED', 'DELETED', 'UNKNOWN', 'FAILED'],
    edges: [
      { from: 'PENDING', to: 'ACTIVE', source: 'ASSUMPTIONS C12' },
      { from: 'ACTIVE', to: 'LOCKED_BY_USER', source: 'ASSUMPTIONS C12 (block)' },
      { from: 'LOCKED_BY_USER', to: 'ACTIVE', source: 'ASSUMPTIONS C12 (unblock)' },
      { from: 'ACTIVE', to: 'BLOCKED', source: 'endpoints-part2.md §4 card status values' },
      { from: 'BLOCKED', to: 'ACTIVE', source: 'endpoints-part2.md §4 card status values' },
      ...fan(['ACTIVE', 'LOCKED_BY_USER'], ['SUSPENDED'], 'ASSUMPTIONS F11'),
      ...fan(['SUSPENDED'], ['ACTIVE', 'LOCKED_BY_USER'], 'ASSUMPTIONS F11'),
      ...fan(['PENDING', 'ACTIVE', 'LOCKED_BY_USER', 'BLOCKED', 'SUSPENDED'], ['DELETED'], 'endpoints-part2.md §4, ASSUMPTIONS F11'),
      ...fan(['UNKNOWN'], ['PENDING', 'ACTIVE', 'LOCKED_BY_USER', 'BLOCKED', 'SUSPENDED', 'DELETED', 'FAILED'], 'ASSUMPTIONS R3'),
    ],
    detailType: 'p100.card.status-changed',
    read: 'V2 list user cards (status per card; deleted cards are left out: F11)',
  },
  cardTransaction: operation(
    'cardTransaction',
    ['AUTHORIZED', 'SETTLED', 'DECLINED', 'REVERSED'],
    [
      ...fan(['AUTHORIZED'], ['SETTLED', 'DECLINED', 'REVERSED'], 'ASSUMPTIONS E (cardTransaction), E10'),
      // A refund after settlement: P100 gives the money back (sandbox F-rule; issue 11 observation 2).
      { from: 'SETTLED', to: 'REVERSED', source: 'ASSUMPTIONS E10' },
    ],
    'cardTransaction',
    'history (A8): type CARD_TRANSACTION, status',
  ),
};

/** The lifecycle a ledger operation type walks. */
export const operationLifecycle: Readonly<Record<string, LifecycleName>> = {
  EXCHANGE: 'exchange',
  CRYPTO_WITHDRAWAL: 'cryptoWithdrawal',
  CRYPTO_DEPOSIT: 'cryptoDeposit',
  TRANSFER: 'transfer',
  P2P_TRANSFER: 'transfer',
  SEPA_TRANSFER: 'sepaTransfer',
  SEPA_DEPOSIT: 'sepaDeposit',
  CARD: 'card',
  CARD_TRANSACTION: 'cardTransaction',
};

/** The lifecycle a user fact walks (fact name before any `:` suffix). */
export const userFactLifecycle: Readonly<Record<string, LifecycleName>> = {
  status: 'userStatus',
  kycFile: 'kycFile',
  poaStatus: 'poa',
  kycVerification: 'kycVerification',
};

export function lifecycleOfOperation(type: string): Lifecycle {
  const name = operationLifecycle[type];
  if (!name) throw new Error(`No lifecycle for operation type ${type}: add it to shared/webhooks/lifecycles.ts`);
  return lifecycles[name];
}

/** The lifecycle of a user fact (`status`, `poaStatus`, `kycFile:SELFIE`, ...), or undefined for plain facts. */
export function lifecycleOfUserFact(fact: string): Lifecycle | undefined {
  const name = userFactLifecycle[fact.split(':')[0] ?? fact];
  return name ? lifecycles[name] : undefined;
}

/**
 * What an event moving `current` to `next` is:
 * - `apply`: a valid transition (or the first state of an entity we hold no record of);
 * - `equal`: the entity is already there, nothing changes;
 * - `invalid`: not an edge from the current state (stale or impossible): kept, not applied, verified;
 * - `unknown-status`: not a status of this lifecycle at all: kept, not applied, flagged.
 *
 * @example
 * checkTransition(lifecycles.cardTransaction, 'SETTLED', 'REVERSED') // 'apply'
 * checkTransition(lifecycles.userStatus, 'ACTIVE', 'ACTIVE')         // 'equal'
 */
export type TransitionVerdict = 'apply' | 'equal' | 'invalid' | 'unknown-status';

export function checkTransition(lc: Lifecycle, current: string | undefined, next: string): TransitionVerdict {
  if (!lc.states.includes(next)) return 'unknown-status';
  if (current === undefined) return 'apply';
  if (current === next) return 'equal';
  return lc.edges.some((e) => e.from === current && e.to === next) ? 'apply' : 'invalid';
}

/** States a transition to `next` may start from (the ledger's conditional write). */
export function predecessors(lc: Lifecycle, next: string): string[] {
  return lc.edges.filter((e) => e.to === next).map((e) => e.from);
}

/** A state with no way out: the ledger takes the operation off its open index. */
export function isFinalState(lc: Lifecycle, status: string): boolean {
  return lc.states.includes(status) && !lc.edges.some((e) => e.from === status);
}

/** True when `path` (statuses in order) walks edges of `lc` only: the drill's check of published events. */
export function isValidPath(lc: Lifecycle, path: readonly string[]): boolean {
  for (let i = 1; i < path.length; i++) if (checkTransition(lc, path[i - 1], path[i] as string) !== 'apply') return false;
  return path.every((s) => lc.states.includes(s));
}
