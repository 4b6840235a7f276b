import type { DataPathName, Resources } from '../../shared/config/resources.js';
import { lifecycleOfUserFact } from '../../shared/webhooks/lifecycles.js';
import type { ReservedConcurrency } from './config.js';
import type { FunctionSpec } from './inventory.js';
import { measuredMemoryMb } from './memory-table.js';

/**
 * What one function may touch, decided from catalog data only: an operation's kind, upstream and
 * `userLedger`, plus the `resources` its entry declares; a job's `resources` (shared/jobs.ts).
 * The stack turns each capability into an IAM grant AND the matching environment variable, so a
 * function never holds a permission it has no variable for, nor the reverse.
 *
 * Derived from what the shared/ code each function runs actually reads (`ENV.*` per module):
 * | module | reads |
 * |---|---|
 * | p100/container-client.ts (the container's P100 client), p100/upstream.ts | API key secret, P100 base URL, upstream overrides |
 * | idempotency/handler.ts + ledger-recording/money-operations.ts (money operations) | idempotency table, ledger, data key (keyed fingerprints) |
 * | idempotency/persistence.ts (Idempotency-Key on every write operation) | idempotency table, data key |
 * | ledger-recording/user-steps.ts (entries with `userLedger`: user steps, a read only where a lifecycle moves; with `cardLedger`: card block/unblock/delete) | ledger |
 * | callUpstream (every other operation calling P100) | nothing of ours: no table |
 * | documents/uploads.ts | upload bucket and its KMS key (put: createUploadUrl; get: addKycFile, addPoaFile) |
 * | webhooks/operations.ts (inbox operator routes) | inbox; replays also the webhook queue |
 * | webhooks/receiver.ts | webhook token secret, data key (dedup keys, seals), inbox, webhook queue, ledger (read: the entity's state version when a body repeats, ASSUMPTIONS E9) |
 * | webhooks/processor.ts | webhook token secret (opens sealed card codes), data key, inbox, ledger, bus |
 * | reconcile/* | ledger, P100 (API key), reconcile queue (fan-out), bus (discrepancies), Lambda invoke of reconcile |
 *
 * Table grants are finer than "read" or "read/write": each function gets the DynamoDB actions of the
 * {@link dataPaths} it runs, and test/infra/table-grants.test.ts walks the shared/ source from each
 * path's entry and fails when the actions listed here differ from the command classes it sends.
 *
 * Metrics (webhooks/metrics.ts, reconcile/finalize.ts) are Powertools EMF log lines: no CloudWatch
 * permission. WEBHOOK_PATH_OVERRIDES is read by the local gateway only; in AWS the routes carry the paths.
 */

export type SuiteTable = 'idempotency' | 'ledger' | 'inbox';

/** DynamoDB actions the suite's code performs; one per lib-dynamodb command class (GetCommand → GetItem, ...). */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:Scan'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem';

export interface DataPath {
  /** `module#export` under shared/: where the function's DynamoDB work starts. */
  entry: string;
  /** Every action the code reachable from `entry` sends, per table (sorted). */
  tables: Readonly<Partial<Record<SuiteTable, readonly TableAction[]>>>;
  /**
   * Where its Query/Scan go, per table, when not (only) to the table itself: `gsi1` the index, `table` the base
   * table (test/infra/recorded-calls.json shows which; test/infra/aws-calls.test.ts fails on a grant no call uses).
   */
  reads?: Readonly<Partial<Record<SuiteTable, { table?: readonly Read[]; gsi1?: readonly Read[] }>>>;
}

type Read = 'dynamodb:Query' | 'dynamodb:Scan';
const isRead = (a: TableAction): a is Read => a === 'dynamodb:Query' || a === 'dynamodb:Scan';

const get = 'dynamodb:GetItem';
const batchGet = 'dynamodb:BatchGetItem';
const query = 'dynamodb:Query';
const scan = 'dynamodb:Scan';
const put = 'dynamodb:PutItem';
const update = 'dynamodb:UpdateItem';
const del = 'dynamodb:DeleteItem';
const batchWrite = 'dynamodb:BatchWriteItem';

/**
 * The shared/ code paths that talk to DynamoDB, with the actions each one sends (checked against the
 * source by test/infra/table-grants.test.ts). Scan, BatchWriteItem and DeleteItem appear only where the
 * code sends them: the reconciliation (missing-at-P100 scan, discrepancy batches, lock release) and the
 * idempotency store (a failed first attempt releases its record).
 */
export const dataPaths = {
  /** withIdempotency: Idempotency-Key record, ledger PENDING/UNKNOWN entry. */
  money: { entry: 'idempotency/handler.ts#withIdempotency', tables: { idempotency: [del, get, put, update], ledger: [get, put, update] } },
  /** The Idempotency-Key store alone: every write operation accepts the header (issue 12). */
  idempotencyKey: { entry: 'idempotency/persistence.ts#IdempotencyStore', tables: { idempotency: [del, get, put, update] } },
  /** withUserLedger: user steps that move a lifecycle (a `status`, KYC or POA fact: applyUserTransition reads the user first). */
  userLedger: { entry: 'ledger-recording/user-steps.ts#withUserLedger', tables: { ledger: [get, update] } },
  /**
   * User steps that only record facts (no lifecycle): upsertUser and setUserFact, one UpdateItem each, never a read
   * (test/infra/aws-calls.test.ts found the GetItem unused). The entry is setUserFact: the analyzer walks one export
   * and upsertUser sends the same single command.
   */
  userFacts: { entry: 'store/ledger-users.ts#setUserFact', tables: { ledger: [update] } },
  /** Card steps (entries with `cardLedger`: block, unblock, delete): the card's status moves in the ledger (applyStatus). */
  cardLedger: { entry: 'store/ledger.ts#applyStatus', tables: { ledger: [get, update] } },
  /** Inbox write; the ledger read is the entity's state version when a body repeats (ASSUMPTIONS E9). */
  webhookReceiver: { entry: 'webhooks/receiver.ts#webhookReceiver', tables: { inbox: [get, put, update], ledger: [get] } },
  webhookProcessor: { entry: 'webhooks/processor.ts#webhookProcessorHandler', tables: { inbox: [get, update], ledger: [get, update] } },
  listInboxEvents: { entry: 'webhooks/operations.ts#listInboxEventsImpl', tables: { inbox: [query] }, reads: { inbox: { gsi1: [query] } } },
  /** Replays record who replayed (the operators' audit trail): a put in the ledger table, never money. */
  replayInboxEvent: { entry: 'webhooks/operations.ts#replayInboxEventImpl', tables: { inbox: [get, update], ledger: [put] } },
  replayDeadInboxEvents: {
    entry: 'webhooks/operations.ts#replayDeadInboxEventsImpl',
    tables: { inbox: [query, update], ledger: [put] },
    reads: { inbox: { gsi1: [query] } },
  },
  /** Update and delete: a stalled run found at start is marked FAILED and its lease released (liveness watch, open-run.ts). */
  startReconciliation: { entry: 'reconcile/operations.ts#startReconciliationImpl', tables: { ledger: [del, get, put, update] } },
  getReconciliationReport: { entry: 'reconcile/operations.ts#getReconciliationReportImpl', tables: { ledger: [get, query] } },
  listReconciliationRuns: { entry: 'console/runs.ts#listReconciliationRunsImpl', tables: { ledger: [get, query] } },
  getOperationsOverview: {
    entry: 'console/overview.ts#getOperationsOverviewImpl',
    tables: { inbox: [query], ledger: [get, query] },
    reads: { inbox: { gsi1: [query] } },
  },
  getInboxEvent: { entry: 'console/inbox-event.ts#getInboxEventImpl', tables: { inbox: [get] } },
  getTimeline: {
    entry: 'console/timeline.ts#getTimelineImpl',
    tables: { idempotency: [batchGet], inbox: [query], ledger: [batchGet, get, query, scan] },
    reads: { inbox: { gsi1: [query] } },
  },
  /** The exception queue: exceptions and the audit trail in the ledger table; changes are conditional updates plus audit puts. */
  listExceptions: { entry: 'console/exceptions.ts#listExceptionsImpl', tables: { ledger: [query] } },
  getException: { entry: 'console/exceptions.ts#getExceptionImpl', tables: { ledger: [get, query] } },
  changeException: { entry: 'console/exceptions.ts#changeExceptionImpl', tables: { ledger: [get, put, query, update] } },
  reconcile: {
    entry: 'reconcile/handlers.ts#reconcileHandler',
    tables: { ledger: [batchGet, batchWrite, del, get, put, query, scan, update] },
    reads: { ledger: { table: [query, scan], gsi1: [query] } },
  },
  reconcileUsers: { entry: 'reconcile/handlers.ts#reconcileUsersHandler', tables: { ledger: [batchGet, batchWrite, del, get, put, query, scan, update] } },
  /** The contract canary: the inbox's newest events (passive webhook check), the latest report written (issue 16). */
  contractCanary: { entry: 'contract/canary.ts#contractCanaryHandler', tables: { inbox: [query], ledger: [put] }, reads: { inbox: { gsi1: [query] } } },
  getContractReport: { entry: 'contract/canary.ts#getContractReportImpl', tables: { ledger: [get] } },
} as const satisfies Record<DataPathName, DataPath>;

export type { DataPathName };

export interface Access {
  /** Reads the P100 API key secret (calls P100). Never together with `webhookToken`. */
  apiKey: boolean;
  /** Reads the webhook token secret: receivers verify deliveries, the processor opens sealed fields with it. */
  webhookToken: boolean;
  /** Reads the data key secret: keyed HMACs (idempotency fingerprints, webhook dedup keys) and seals. */
  dataKey: boolean;
  /** The DynamoDB code paths the function runs; their table actions are its only table grants. */
  data: readonly DataPathName[];
  /** Sends to the webhook queue (receivers, inbox replays). */
  sendWebhookQueue: boolean;
  /** Sends to the reconcile queue (the scheduled sweep fans users out). */
  sendReconcileQueue: boolean;
  putEvents: boolean;
  upload: 'none' | 'put' | 'get';
  /** Asynchronous invoke of the reconcile function (startReconciliation; reconcile itself, to go on after its timeout). */
  invokeReconcile: boolean;
}

export function accessFor(spec: FunctionSpec): Access {
  switch (spec.kind) {
    case 'operation': {
      const op = spec.operation;
      // withIdempotency (money) keeps the Idempotency-Key record and writes the ledger entry; every other
      // write accepts an Idempotency-Key too (its store only); withUserLedger records user lifecycle steps
      // and card steps. Then whatever the entry's own code adds (`resources`: uploads, inbox, reconciliation).
      const data: DataPathName[] = [
        ...(op.kind === 'money' ? (['money'] as const) : op.kind === 'write' ? (['idempotencyKey'] as const) : []),
        ...(op.cardLedger !== undefined ? (['cardLedger'] as const) : []),
        ...(movesLifecycle(op) ? (['userLedger'] as const) : op.userLedger !== undefined ? (['userFacts'] as const) : []),
        ...(op.resources?.data ?? []),
      ];
      return fromResources({
        ...op.resources,
        apiKey: op.upstream !== null,
        // Keyed request fingerprints (HMAC) of the Idempotency-Key records.
        dataKey: op.kind === 'money' || op.kind === 'write',
        data: [...new Set(data)],
      });
    }
    case 'webhook':
      return fromResources({ webhookToken: true, dataKey: true, data: ['webhookReceiver'], sendWebhookQueue: true });
    case 'webhookHealth':
    case 'openApi':
      return fromResources({});
    case 'job':
      return fromResources(spec.job.resources);
  }
}

/** Whether a user step moves a lifecycle fact (user status, KYC file, POA, KYC verification): it reads the user first. */
function movesLifecycle(op: Extract<FunctionSpec, { kind: 'operation' }>['operation']): boolean {
  return Object.entries(op.userLedger?.facts ?? {}).some(([fact, value]) => typeof value === 'string' && lifecycleOfUserFact(fact) !== undefined);
}

/** A complete Access from a declaration: what is not declared is not granted. */
function fromResources(r: Resources): Access {
  return {
    apiKey: r.apiKey ?? false,
    webhookToken: r.webhookToken ?? false,
    dataKey: r.dataKey ?? false,
    data: [...(r.data ?? [])],
    sendWebhookQueue: r.sendWebhookQueue ?? false,
    sendReconcileQueue: r.sendReconcileQueue ?? false,
    putEvents: r.putEvents ?? false,
    upload: r.upload ?? 'none',
    invokeReconcile: r.invokeReconcile ?? false,
  };
}

/** Table → actions of every data path the function runs (sorted, no duplicates). */
export function tableActionsOf(access: Pick<Access, 'data'>): Partial<Record<SuiteTable, TableAction[]>> {
  const out: Partial<Record<SuiteTable, Set<TableAction>>> = {};
  for (const name of access.data) {
    const tables: DataPath['tables'] = dataPaths[name].tables;
    for (const [table, actions] of Object.entries(tables) as Array<[SuiteTable, readonly TableAction[]]>) {
      out[table] = new Set([...(out[table] ?? []), ...actions]);
    }
  }
  return Object.fromEntries(Object.entries(out).map(([t, a]) => [t, [...a].sort()])) as Partial<Record<SuiteTable, TableAction[]>>;
}

/** The Query/Scan a function's data paths send to the table itself (by default every one they send). */
export function tableReads(access: Pick<Access, 'data'>, table: SuiteTable): Read[] {
  const out = new Set<Read>();
  for (const name of access.data) {
    const path: DataPath = dataPaths[name];
    const reads = path.reads?.[table];
    for (const a of reads ? (reads.table ?? []) : (path.tables[table] ?? []).filter(isRead)) out.add(a);
  }
  return [...out].sort();
}

/** The Query/Scan a function's data paths send to the table's `gsi1` index. */
export function indexReads(access: Pick<Access, 'data'>, table: SuiteTable): Read[] {
  const out = new Set<Read>();
  for (const name of access.data) for (const a of (dataPaths[name] as DataPath).reads?.[table]?.gsi1 ?? []) out.add(a);
  return [...out].sort();
}

/**
 * Reserved concurrency of a function, or undefined (draws on the unreserved pool like the operations).
 * Capped: everything reachable without a caller's credentials (webhook receivers, health) and the
 * background consumers (processor, reconciliation), so a flood of deliveries, a poison batch or a long
 * sweep can never take the executions the company's money operations need.
 */
export function reservedConcurrencyFor(spec: FunctionSpec, c: ReservedConcurrency): number | undefined {
  const n = ((): number => {
    switch (spec.kind) {
      case 'operation':
      case 'openApi':
        return 0;
      case 'webhook':
      case 'webhookHealth':
        return c.webhookReceiver;
      case 'job':
        switch (spec.job.trigger) {
          case 'webhook-queue':
            return c.webhookProcessor;
          case 'schedule':
            return c.reconcile;
          case 'reconcile-queue':
            return c.reconcileUsers;
          // One read-only run an hour: it needs no reservation.
          case 'contract-schedule':
            return 0;
        }
    }
  })();
  return n > 0 ? n : undefined;
}

/** Memory (MB) and timeout (s) per function; explicit everywhere (no Lambda defaults). */
export interface Sizing {
  memoryMb: number;
  timeoutSeconds: number;
}

/**
 * Memory: measured (issue 28). Operations (by read/write/money), webhook receivers, the webhook processor and
 * each job take the size bench B10 chose for their kind under the Lambda CPU model (bench/memory-table.json,
 * infra/lib/memory-table.ts); the health probe and the OpenAPI document keep a fixed size.
 */
export function sizingFor(spec: FunctionSpec): Sizing {
  const measured = (): number => {
    const mb = measuredMemoryMb(spec);
    if (mb === undefined) throw new Error(`no measured memory size for ${spec.name}`);
    return mb;
  };
  switch (spec.kind) {
    // HTTP API integrations time out at 30 s; the function must finish (and map its error) first.
    case 'operation':
      return { memoryMb: measured(), timeoutSeconds: 28 };
    case 'webhook':
      return { memoryMb: measured(), timeoutSeconds: 10 };
    case 'webhookHealth':
      return { memoryMb: 128, timeoutSeconds: 5 };
    // Builds the document from the catalog once per container (zod's JSON Schema of ~70 operations).
    case 'openApi':
      return { memoryMb: 256, timeoutSeconds: 10 };
    case 'job':
      switch (spec.job.trigger) {
        case 'webhook-queue':
          return { memoryMb: measured(), timeoutSeconds: 60 };
        case 'schedule':
          return { memoryMb: measured(), timeoutSeconds: 900 };
        case 'reconcile-queue':
          return { memoryMb: measured(), timeoutSeconds: 300 };
        // About 20 P100 reads of at most 10 s each, and one inbox page per 100 events.
        case 'contract-schedule':
          return { memoryMb: measured(), timeoutSeconds: 300 };
      }
  }
}
