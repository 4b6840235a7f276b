import type { FunctionSpec } from './inventory.js';

/**
 * What one function may touch, decided from catalog data only (kind, area, upstream, operationId).
 * The stack turns each capability into an IAM grant AND the matching environment variable, so a
 * function never holds a permission it has no variable for, nor the reverse.
 *
 * Derived from what the shared/ code each function runs actually reads (`ENV.*` per module):
 * | module | reads |
 * |---|---|
 * | http/runtime.ts (P100 client), p100/upstream.ts | API key secret, P100 base URL, upstream overrides |
 * | http/idempotency.ts + http/money.ts (money operations only) | idempotency table, ledger |
 * | http/user-ledger.ts (operations with a `userLedger` mapping: user lifecycle steps; card block/unblock/delete) | ledger |
 * | callUpstream (every other operation calling P100) | nothing of ours: no table |
 * | documents/uploads.ts | upload bucket (put: createUploadUrl; get: addKycFile, addPoaFile) |
 * | webhooks/operations.ts (inbox operator routes) | inbox; replays also the webhook queue |
 * | webhooks/receiver.ts | webhook token secret, inbox, webhook queue, ledger (read: the entity's state version when a body repeats, ASSUMPTIONS E9) |
 * | webhooks/processor.ts | webhook token secret (opens sealed card codes), inbox, ledger, bus |
 * | reconcile/* | ledger, P100 (API key), reconcile queue (fan-out), bus (discrepancies), Lambda invoke of reconcile |
 *
 * Metrics (webhooks/metrics.ts, reconcile/finalize.ts) are Powertools EMF log lines: no CloudWatch
 * permission. WEBHOOK_PATH_OVERRIDES is read by the local gateway only; in AWS the routes carry the paths.
 */
export interface Access {
  /** Reads the P100 API key secret (calls P100). Never together with `webhookToken`. */
  apiKey: boolean;
  /** Reads the webhook token secret: receivers verify deliveries, the processor opens sealed fields with it. */
  webhookToken: boolean;
  idempotency: 'none' | 'readWrite';
  ledger: 'none' | 'read' | 'readWrite';
  inbox: 'none' | 'read' | 'readWrite';
  /** Sends to the webhook queue (receivers, inbox replays). */
  sendWebhookQueue: boolean;
  /** Sends to the reconcile queue (the scheduled sweep fans users out). */
  sendReconcileQueue: boolean;
  putEvents: boolean;
  upload: 'none' | 'put' | 'get';
  /** Asynchronous invoke of the reconcile function (startReconciliation; reconcile itself, to go on after its timeout). */
  invokeReconcile: boolean;
}

const none: Access = {
  apiKey: false,
  webhookToken: false,
  idempotency: 'none',
  ledger: 'none',
  inbox: 'none',
  sendWebhookQueue: false,
  sendReconcileQueue: false,
  putEvents: false,
  upload: 'none',
  invokeReconcile: false,
};

/**
 * Local operations (`upstream: null`) with their own implementation. Keyed by operationId because what
 * they touch is their whole purpose; anything not listed gets the default for its kind.
 */
const localOperationAccess: Readonly<Record<string, Partial<Access>>> = {
  createUploadUrl: { upload: 'put' },
  // openRun writes the run into the ledger table, then the reconcile function is invoked.
  startReconciliation: { ledger: 'readWrite', invokeReconcile: true },
  getReconciliationReport: { ledger: 'read' },
};

/**
 * Operator routes over the webhook inbox (area `operations`, "Inbox" in the operationId): reads list
 * it; writes (replays) also put events back on the webhook queue. No ledger: the processor owns it.
 */
function inboxOperationAccess(op: { area: string; operationId: string; kind: string }): Partial<Access> {
  if (op.area !== 'operations' || !/inbox/i.test(op.operationId)) return {};
  return op.kind === 'read' ? { inbox: 'read' } : { inbox: 'readWrite', sendWebhookQueue: true };
}

/** Card steps that move the ledger's card along its lifecycle themselves (shared/http/user-ledger.ts CARD_STEPS). */
const cardLedgerSteps: ReadonlySet<string> = new Set(['blockCard', 'unblockCard', 'deleteCard']);

/** Operations that forward uploaded documents to P100 read them back from the upload bucket. */
const uploadReaders: ReadonlySet<string> = new Set(['addKycFile', 'addPoaFile']);

export function accessFor(spec: FunctionSpec): Access {
  switch (spec.kind) {
    case 'operation': {
      const op = spec.operation;
      const money = op.kind === 'money';
      const base: Access = {
        ...none,
        apiKey: op.upstream !== null,
        // withIdempotency (money only) keeps the Idempotency-Key record and writes the ledger entry;
        // withUserLedger records user lifecycle steps (entries with `userLedger`).
        idempotency: money ? 'readWrite' : 'none',
        ledger: money || op.userLedger !== undefined || cardLedgerSteps.has(op.operationId) ? 'readWrite' : 'none',
        upload: uploadReaders.has(op.operationId) ? 'get' : 'none',
      };
      return { ...base, ...inboxOperationAccess(op), ...(localOperationAccess[op.operationId] ?? {}) };
    }
    case 'webhook':
      return { ...none, webhookToken: true, inbox: 'readWrite', sendWebhookQueue: true, ledger: 'read' };
    case 'webhookHealth':
    case 'openApi':
      return none;
    case 'job':
      switch (spec.job.trigger) {
        case 'webhook-queue':
          return { ...none, webhookToken: true, inbox: 'readWrite', ledger: 'readWrite', putEvents: true };
        case 'schedule':
          return { ...none, apiKey: true, ledger: 'readWrite', sendReconcileQueue: true, putEvents: true, invokeReconcile: true };
        case 'reconcile-queue':
          // The worker finishing the last batch finalizes the run (discrepancy events on the bus).
          return { ...none, apiKey: true, ledger: 'readWrite', putEvents: true };
      }
  }
}

/** Memory (MB) and timeout (s) per function; explicit everywhere (no Lambda defaults). */
export interface Sizing {
  memoryMb: number;
  timeoutSeconds: number;
}

export function sizingFor(spec: FunctionSpec): Sizing {
  switch (spec.kind) {
    // HTTP API integrations time out at 30 s; the function must finish (and map its error) first.
    case 'operation':
      return { memoryMb: 512, timeoutSeconds: 28 };
    case 'webhook':
      return { memoryMb: 256, timeoutSeconds: 10 };
    case 'webhookHealth':
      return { memoryMb: 128, timeoutSeconds: 5 };
    // Builds the document from the catalog once per container (zod's JSON Schema of ~70 operations).
    case 'openApi':
      return { memoryMb: 256, timeoutSeconds: 10 };
    case 'job':
      switch (spec.job.trigger) {
        case 'webhook-queue':
          return { memoryMb: 512, timeoutSeconds: 60 };
        case 'schedule':
          return { memoryMb: 1024, timeoutSeconds: 900 };
        case 'reconcile-queue':
          return { memoryMb: 1024, timeoutSeconds: 300 };
      }
  }
}
