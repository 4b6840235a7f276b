/**
 * Every environment variable the functions read, in one place. The CDK stack sets them per function
 * (only those a function needs); the local runner sets them for the in-process handlers.
 */
export const ENV = {
  /** `local` | `staging` | `production`: selects the P100 base URL unless P100_BASE_URL is set. */
  stage: 'STAGE',
  /** Any base URL (the local sandbox, a proxy); wins over the stage default. */
  p100BaseUrl: 'P100_BASE_URL',
  /** Secrets Manager id (name or ARN) of the P100 API key. Read by operation functions and jobs only. */
  apiKeySecretId: 'P100_API_KEY_SECRET_ID',
  /** Secrets Manager id of the webhook token. Read by webhook receivers only. */
  webhookTokenSecretId: 'WEBHOOK_TOKEN_SECRET_ID',
  /**
   * Secrets Manager id of the suite's data key: base64 of 32 random bytes (or JSON `{"current": b64, "previous": b64}`
   * during a rotation). Keys per purpose are derived from it with HKDF (shared/secrets/data-key.ts): keyed HMACs of
   * idempotency fingerprints and webhook dedup keys, and the seal of personal data and card codes at rest.
   * Read by operation functions that fingerprint requests (money and writes), webhook receivers and the processor.
   */
  dataKeySecretId: 'DATA_KEY_SECRET_ID',
  /** JSON `{ "<operationId>": { "method"?: "GET", "path"?: "/v1/..." } }`: upstream overrides (ASSUMPTIONS.md). */
  upstreamOverrides: 'P100_UPSTREAM_OVERRIDES',
  /** JSON `{ "<currency>": { "decimals"?: n, "maxIntegerDigits"?: n } }`: per-currency amount rules over shared/catalog/currencies.ts. */
  currencyRules: 'P100_CURRENCY_RULES',
  /** JSON `{ "<webhook name>": "/webhook/..." }`: partner-side webhook path overrides. */
  webhookPathOverrides: 'WEBHOOK_PATH_OVERRIDES',
  /** Seconds a secret value is cached in a warm container (default 300). */
  secretCacheTtlSeconds: 'SECRET_CACHE_TTL_SECONDS',
  idempotencyTable: 'IDEMPOTENCY_TABLE',
  ledgerTable: 'LEDGER_TABLE',
  inboxTable: 'INBOX_TABLE',
  /** SQS queue the webhook receivers enqueue to (processed by functions/jobs/webhookProcessor.ts). */
  webhookQueueUrl: 'WEBHOOK_QUEUE_URL',
  /** SQS queue the reconciliation fans the user sweep out to (functions/jobs/reconcileUsers.ts). */
  reconcileQueueUrl: 'RECONCILE_QUEUE_URL',
  /** Name of the reconcile function, invoked asynchronously by startReconciliation. */
  reconcileFunctionName: 'RECONCILE_FUNCTION_NAME',
  eventBusName: 'EVENT_BUS_NAME',
  uploadBucket: 'UPLOAD_BUCKET',
} as const;

export type Stage = 'local' | 'staging' | 'production';

export const P100_BASE_URLS: Readonly<Record<Exclude<Stage, 'local'>, string>> = {
  staging: 'https://partner-api-stage.p100.io',
  production: 'https://partner-api.p100.io',
};

export function readEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const v = readEnv(name, env);
  if (v === undefined) throw new Error(`Environment variable ${name} is not set`);
  return v;
}

export function stageOf(env: NodeJS.ProcessEnv = process.env): Stage {
  const s = readEnv(ENV.stage, env) ?? 'local';
  if (s === 'local' || s === 'staging' || s === 'production') return s;
  throw new Error(`${ENV.stage} must be local, staging or production, not "${s}"`);
}

/** The P100 base URL: P100_BASE_URL if set, else the stage's documented URL. */
export function p100BaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = readEnv(ENV.p100BaseUrl, env);
  if (explicit) return explicit.replace(/\/+$/, '');
  const stage = stageOf(env);
  if (stage === 'local') throw new Error(`${ENV.p100BaseUrl} must be set when ${ENV.stage}=local`);
  return P100_BASE_URLS[stage];
}
