/** The answers of the operator routes the screens read (openapi.json has the full schemas). */

export interface Overview {
  generatedAt: string;
  lastRun: {
    runId: string;
    status: string;
    finishedAt?: string;
    /** Why the run FAILED (the liveness watch: `stalled: ...`). */
    error?: string;
    matched: number;
    repaired: number;
    discrepancyCount: number;
    byClass: Record<string, number>;
  } | null;
  intake: { since: string; received: number; processed: number; dead: number; pending: number };
  contract: { available: boolean; checkedAt?: string; driftedOperations?: number; findings?: number };
}

export interface RunSummary {
  runId: string;
  status: string;
  phase: string;
  trigger: string;
  requestedAt: string;
  finishedAt?: string;
  counts?: Record<string, number>;
  discrepancyCount?: number;
}

export interface Discrepancy {
  class: string;
  type: string;
  id: string;
  ours: Record<string, unknown> | null;
  theirs: Record<string, unknown> | null;
  repaired: boolean;
  account?: string;
  note?: string;
  at: string;
}

export interface Report extends RunSummary {
  window: { from?: string; to: string };
  counts: Record<string, number>;
  discrepancyCount: number;
  discrepancies: Discrepancy[];
  nextCursor?: string;
}

export interface InboxEvent {
  eventId: string;
  webhook: string;
  entityId?: string;
  status?: string;
  externalUserId?: string;
  state: string;
  receivedAt: string;
  deliveries: number;
  envelope: string;
  eventType?: string;
  hasSealedFields: boolean;
  outcome?: { applied: boolean; reason?: string; previousStatus?: string; at: string };
  published?: boolean;
  processedAt?: string;
  deadReason?: string;
  replays?: number;
  replayedAt?: string;
  flag?: string;
  advice?: { replay: 'helps' | 'after-fix' | 'cannot-help'; todo: string; runbook: string };
  payload: Record<string, unknown>;
}

export interface TimelineEntry {
  at: string;
  kind: 'request' | 'ledger' | 'user' | 'webhook' | 'repair' | 'discrepancy' | 'published' | 'operator';
  title: string;
  detail?: Record<string, unknown>;
  ref?: Record<string, string>;
}

export interface Timeline {
  subject: { kind: string; id: string };
  entries: TimelineEntry[];
  total: number;
  offset: number;
  nextCursor?: string;
  prevCursor?: string;
  truncated: boolean;
}

export const EXCEPTION_STATES = ['open', 'acknowledged', 'resolved', 'fixed-at-p100'] as const;

export interface ExceptionView {
  exceptionId: string;
  class: string;
  type: string;
  id: string;
  externalUserId?: string;
  state: (typeof EXCEPTION_STATES)[number];
  firstSeen: string;
  lastSeen: string;
  count: number;
  firstRunId: string;
  lastRunId: string;
  diff: { field: string; ours: unknown; theirs: unknown; differs: boolean; compared: boolean }[];
  note?: string;
  owner?: string;
  updatedAt: string;
  updatedBy: string;
  version: number;
}

export interface ExceptionList {
  asOf: string;
  items: ExceptionView[];
  total: number;
  totalIsLowerBound: boolean;
  byState: Record<string, number>;
  nextCursor?: string;
  prevCursor?: string;
}

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  summary: string;
  note?: string;
  ref?: Record<string, string>;
}

export interface ExceptionDetail extends ExceptionView {
  audit: AuditEntry[];
}

/** The discrepancy classes of shared/store/reconciliation.ts, in the order the chart stacks them (kept equal by test/unit/console-lists.test.ts). */
export const DISCREPANCY_CLASSES = [
  'missing-here',
  'missing-at-p100',
  'amount-mismatch',
  'status-mismatch',
  'stale-pending',
  'unknown-resolved',
  'unknown-failed',
  'user-missing-at-p100',
  'user-state-mismatch',
  'quarantined',
] as const;

export const INBOX_STATES = ['RECEIVED', 'ENQUEUED', 'PROCESSED', 'DEAD'] as const;

/**
 * The P100 webhooks (shared/webhooks/catalog.ts), the inbox filter's choices: a copy, because the catalog
 * module brings its schemas into the bundle; test/unit/console-lists.test.ts keeps the two equal.
 */
export const WEBHOOKS = [
  'userStatus',
  'kycFileAdded',
  'poaVerificationStatus',
  'kycVerificationStatus',
  'p2pTransfer',
  'sepaTransfer',
  'sepaDeposit',
  'cryptoWithdrawal',
  'cryptoDeposit',
  'exchange',
  'cardTransaction',
  'card3dsCode',
  'cardActivationCode',
  'ibanStatus',
] as const;
