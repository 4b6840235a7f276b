import type { FunctionSpec } from './inventory.js';

/**
 * What one function may touch, decided from catalog data only (kind, area, upstream, operationId).
 * The stack turns each capability into an IAM grant AND the matching environment variable, so a
 * function never holds a permission it has no variable for, nor the reverse.
 */
export interface Access {
  /** Reads the P100 API key secret (calls P100). Never together with `webhookToken`. */
  apiKey: boolean;
  /** Reads the webhook token secret (verifies P100 deliveries). */
  webhookToken: boolean;
  idempotency: 'none' | 'readWrite';
  ledger: 'none' | 'read' | 'readWrite';
  inbox: 'none' | 'read' | 'readWrite';
  /** Sends to the webhook queue (receivers, inbox replay). */
  sendWebhookQueue: boolean;
  /** Sends to the reconcile queue (the scheduled sweep fans users out). */
  sendReconcileQueue: boolean;
  putEvents: boolean;
  /** cloudwatch:PutMetricData, limited to the P100Suite namespace. */
  putMetrics: boolean;
  upload: 'none' | 'put' | 'get';
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
  putMetrics: false,
  upload: 'none',
  invokeReconcile: false,
};

/**
 * Local operations (`upstream: null`) that need more than the ledger. Keyed by operationId because
 * what they touch is their whole purpose; anything not listed gets the default for its kind.
 */
const localOperationAccess: Readonly<Record<string, Partial<Access>>> = {
  createUploadUrl: { upload: 'put', ledger: 'none' },
  startReconciliation: { invokeReconcile: true },
  getReconciliationReport: { ledger: 'read' },
};

/**
 * Operator routes over the webhook inbox (area `operations`, "Inbox" in the operationId): reads list
 * it; writes (replays) also put events back on the webhook queue. No ledger: the processor owns it.
 */
function inboxOperationAccess(op: { area: string; operationId: string; kind: string }): Partial<Access> {
  if (op.area !== 'operations' || !/inbox/i.test(op.operationId)) return {};
  return op.kind === 'read' ? { inbox: 'read', ledger: 'none' } : { inbox: 'readWrite', sendWebhookQueue: true, ledger: 'none' };
}

/** Operations that forward uploaded documents to P100 read them back from the upload bucket. */
const uploadReaders: ReadonlySet<string> = new Set(['addKycFile', 'addPoaFile']);

export function accessFor(spec: FunctionSpec): Access {
  switch (spec.kind) {
    case 'operation': {
      const op = spec.operation;
      const base: Access = {
        ...none,
        apiKey: op.upstream !== null,
        idempotency: op.kind === 'money' ? 'readWrite' : 'none',
        ledger: op.kind === 'read' ? 'read' : 'readWrite',
        upload: uploadReaders.has(op.operationId) ? 'get' : 'none',
      };
      return { ...base, ...inboxOperationAccess(op), ...(localOperationAccess[op.operationId] ?? {}) };
    }
    case 'webhook':
      return { ...none, webhookToken: true, inbox: 'readWrite', sendWebhookQueue: true };
    case 'webhookHealth':
      return none;
    case 'job':
      switch (spec.job.trigger) {
        case 'webhook-queue':
          return { ...none, inbox: 'readWrite', ledger: 'readWrite', putEvents: true, putMetrics: true };
        case 'schedule':
          return { ...none, apiKey: true, ledger: 'readWrite', sendReconcileQueue: true, putEvents: true, putMetrics: true };
        case 'reconcile-queue':
          return { ...none, apiKey: true, ledger: 'readWrite', putEvents: true, putMetrics: true };
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
