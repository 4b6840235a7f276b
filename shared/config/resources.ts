/**
 * What a function touches, declared as data by the catalog entries (`resources`) and the job definitions
 * (shared/jobs.ts). infra/lib/access.ts derives each function's IAM grants and environment variables from
 * these declarations only: no list of operationIds anywhere else decides a grant.
 */

/**
 * The shared/ code paths that talk to DynamoDB, by name. Each one's entry and DynamoDB actions are in
 * infra/lib/access.ts `dataPaths` (checked against the source by test/infra/table-grants.test.ts); the
 * compiler keeps the two lists equal.
 */
export type DataPathName =
  | 'money'
  | 'idempotencyKey'
  | 'userLedger'
  | 'userFacts'
  | 'cardLedger'
  | 'webhookReceiver'
  | 'webhookProcessor'
  | 'listInboxEvents'
  | 'replayInboxEvent'
  | 'replayDeadInboxEvents'
  | 'startReconciliation'
  | 'getReconciliationReport'
  | 'listReconciliationRuns'
  | 'getOperationsOverview'
  | 'getInboxEvent'
  | 'getTimeline'
  | 'listExceptions'
  | 'getException'
  | 'changeException'
  | 'reconcile'
  | 'reconcileUsers'
  | 'contractCanary'
  | 'getContractReport';

/** Everything a function may be granted. Absent means "no". */
export interface Resources {
  /** Reads the P100 API key secret (calls P100). */
  apiKey?: boolean;
  /** Reads the webhook token secret (verifies deliveries, opens sealed card codes). */
  webhookToken?: boolean;
  /** Reads the data key secret (keyed HMACs, seals). */
  dataKey?: boolean;
  /** The DynamoDB code paths the function runs. */
  data?: readonly DataPathName[];
  /** Sends to the webhook queue. */
  sendWebhookQueue?: boolean;
  /** Sends to the reconcile queue. */
  sendReconcileQueue?: boolean;
  /** Puts events on the suite's bus. */
  putEvents?: boolean;
  /** Presigns puts into the upload bucket, or reads uploaded objects back. */
  upload?: 'put' | 'get';
  /** Invokes the reconcile function asynchronously. */
  invokeReconcile?: boolean;
}

/**
 * What an operation declares beyond the default of its kind and upstream (infra/lib/access.ts): the API
 * key when it calls P100, the data key and the Idempotency-Key store (or withIdempotency) for writes and
 * money, the user ledger path for an entry with `userLedger`. Only what its own code adds is declared.
 */
export type OperationResources = Pick<Resources, 'data' | 'upload' | 'sendWebhookQueue' | 'invokeReconcile'>;
