import { randomBytes } from 'node:crypto';
import { ENV } from '../shared/config/env.js';
import { startDynamo, LOCAL_TABLES, type LocalDynamo } from './aws/dynamo.js';
import { startSecretsManager, type LocalSecretsManager } from './aws/secrets-manager.js';
import { startS3, type LocalS3 } from './aws/s3.js';
import { startGateway, type RunningGateway } from './gateway/server.js';
import { suiteRoutes } from './gateway/suite-routes.js';
import type { LocalRoute } from './gateway/routes.js';
import { installLocalReconciliation, type LocalReconciliation } from './aws/reconcile-local.js';
import { eventPublisher, messageQueue, setEventAdapters } from '../shared/events/index.js';
import { reconcileInvoker, setReconcileInvoker } from '../shared/reconcile/invoker.js';
import { installSdkRecorder, RECORD_ENV, recordingAdapters } from './aws/recorder.js';
import { LocalEventBus, busRoute } from './aws/bus.js';
import { LocalQueue, LocalQueues, type SqsHandler } from './aws/queue.js';
import { loadHandler } from './gateway/suite-routes.js';
import { jobTriggeredBy, type FunctionSpec } from '../shared/functions.js';
import type { JobDefinition } from '../shared/jobs.js';

export interface LocalSuiteOptions {
  /** Gateway port (0 = any free port). */
  port?: number;
  /** The P100 base URL handlers call (the sandbox's URL, normally). */
  p100BaseUrl: string;
  apiKey: string;
  webhookToken: string;
  /**
   * The suite's data key (base64 of 32 bytes) served as the DATA_KEY_SECRET_ID secret; default: fresh random
   * bytes per start (nothing the local stores hold outlives the process, so nothing needs the old key).
   */
  dataKey?: string;
  /** Extra routes (tests, operator tools). */
  extraRoutes?: LocalRoute[];
}

export interface LocalSuite {
  gateway: RunningGateway;
  secrets: LocalSecretsManager;
  dynamo: LocalDynamo;
  /** S3 stand-in holding the upload bucket (KYC/POA documents). */
  s3: LocalS3;
  /** EventBridge stand-in (also served at GET /_local/events). */
  bus: LocalEventBus;
  /** SQS stand-ins; `queues.get('webhook')` feeds the `webhook-queue` job (functions/jobs/webhookProcessor.ts). */
  queues: LocalQueues;
  /** The job each local trigger stand-in runs, taken from the function list (shared/functions.ts). */
  jobs: LocalJobs;
  /** Reconcile queue, in-process invoker and schedule (shared/reconcile). */
  reconciliation: LocalReconciliation;
  missing: string[];
  close(): Promise<void>;
}

export const LOCAL_UPLOAD_BUCKET = 'p100-local-uploads';

export type LocalJobs = Readonly<Record<JobDefinition['trigger'], Extract<FunctionSpec, { kind: 'job' }>>>;

/**
 * Every job trigger has a local stand-in (the keys are exhaustive over the trigger type); each runs the one job
 * the function list gives it (throws if a trigger has none or several).
 */
export function localJobs(): LocalJobs {
  return {
    'webhook-queue': jobTriggeredBy('webhook-queue'),
    'reconcile-queue': jobTriggeredBy('reconcile-queue'),
    schedule: jobTriggeredBy('schedule'),
    'contract-schedule': jobTriggeredBy('contract-schedule'),
  };
}

export const LOCAL_SECRET_IDS = { apiKey: 'p100/local/api-key', webhookToken: 'p100/local/webhook-token', dataKey: 'p100/local/data-key' } as const;

/**
 * Starts the local AWS stand-ins (Secrets Manager, dynalite) and the gateway, and points this process's
 * environment at them, so the unchanged handlers run as they would in Lambda.
 */
export async function startLocalSuite(o: LocalSuiteOptions): Promise<LocalSuite> {
  // Before any SDK client exists (dynalite's table set-up creates one): see the env block below.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Recording: no secret cache, so every function's own GetSecretValue is seen (functions share this process, not a container).
  if (process.env[RECORD_ENV] && process.env.SECRET_CACHE_TTL_SECONDS === undefined) process.env.SECRET_CACHE_TTL_SECONDS = '0';
  const secrets = await startSecretsManager({
    [LOCAL_SECRET_IDS.apiKey]: o.apiKey,
    [LOCAL_SECRET_IDS.webhookToken]: o.webhookToken,
    [LOCAL_SECRET_IDS.dataKey]: o.dataKey ?? randomBytes(32).toString('base64'),
  });
  const dynamo = await startDynamo();
  const s3 = await startS3();
  Object.assign(process.env, {
    AWS_REGION: process.env.AWS_REGION ?? 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // The SDK warns that Node 20 loses support in 2027; Lambda runs nodejs24.x, so locally it is noise.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    [ENV.uploadBucket]: LOCAL_UPLOAD_BUCKET,
    [ENV.stage]: 'local',
    [ENV.p100BaseUrl]: o.p100BaseUrl,
    [ENV.apiKeySecretId]: LOCAL_SECRET_IDS.apiKey,
    [ENV.webhookTokenSecretId]: LOCAL_SECRET_IDS.webhookToken,
    [ENV.dataKeySecretId]: LOCAL_SECRET_IDS.dataKey,
    [ENV.idempotencyTable]: LOCAL_TABLES.idempotency.name,
    [ENV.ledgerTable]: LOCAL_TABLES.ledger.name,
    [ENV.inboxTable]: LOCAL_TABLES.inbox.name,
  });
  // In-process SQS and EventBridge: the webhook queue runs the real processor entry file.
  const jobs = localJobs();
  const bus = new LocalEventBus();
  const webhookQueue = new LocalQueue({ name: 'webhook', handler: () => loadHandler<SqsHandler>(jobs['webhook-queue'].entry) });
  const queues = new LocalQueues({ webhook: webhookQueue });
  setEventAdapters({ publisher: bus, queue: queues });
  const reconciliation = installLocalReconciliation({ run: jobs.schedule.entry, users: jobs['reconcile-queue'].entry });
  // Every AWS call a function makes is recorded as its call in AWS (and, in strict mode, authorized first).
  installSdkRecorder();
  const recording = recordingAdapters({ publisher: eventPublisher(), queue: messageQueue(), invoker: reconcileInvoker() });
  setEventAdapters({ publisher: recording.publisher, queue: recording.queue });
  setReconcileInvoker(recording.invoker);
  // GET /openapi.json is in the function list, served by its entry file as in AWS.
  const { routes, missing } = suiteRoutes([busRoute(bus), ...(o.extraRoutes ?? [])]);
  const gateway = await startGateway({ port: o.port ?? 0, routes });
  return {
    gateway,
    secrets,
    dynamo,
    s3,
    bus,
    queues,
    jobs,
    reconciliation,
    missing,
    close: async () => {
      await gateway.close();
      await reconciliation.close();
      await queues.close();
      await secrets.close();
      await dynamo.close();
      await s3.close();
    },
  };
}
