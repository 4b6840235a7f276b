import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../config/constants.js';
import { ENV, p100BaseUrl, readEnv } from '../config/env.js';
import type { OperationImpl } from '../http/operation-impl.js';
import { HttpProblem } from '../http/problem.js';
import { logger } from '../log/logger.js';
import { apiKeyFromSecret, secretCache } from '../secrets/index.js';
import { getLatestContractReport, putLatestContractReport } from '../store/contract-reports.js';
import { recentInboxWebhooks } from './inbox.js';
import { driftCount } from './report.js';
import { httpTransport, type Transport } from './transport.js';
import type { ContractReport } from './types.js';
import { verifyContract } from './verify.js';
import { checkWebhookPayloads } from './webhooks.js';

/** CloudWatch metric of the canary (EMF, namespace P100Suite, dimension service=contract): drifts of the last run. */
export const CONTRACT_DRIFT_METRIC = 'ContractDrift';
export const CONTRACT_METRIC_SERVICE = 'contract';

/** Inbox events the passive webhook check reads per run (newest first). */
const INBOX_SAMPLE = 500;

export interface CanaryOutcome {
  startedAt: string;
  drifts: number;
  operations: ContractReport['summary']['operations'];
}

/**
 * functions/jobs/contract-canary.ts, on its schedule (issue 16 item 4): the read-only contract run against the
 * stage's P100, the passive check of the inbox's webhook payloads, the report stored for
 * `GET /operations/contract/reports/latest`, and the `ContractDrift` metric its alarm watches. Read-only by
 * construction: the canary never runs the `--writes` steps, whatever the stage.
 */
export async function contractCanaryHandler(): Promise<CanaryOutcome> {
  return runContractCanary();
}

/** One canary run; `transport` replaces HTTP to P100 (tests). */
export async function runContractCanary(deps: { transport?: Transport } = {}): Promise<CanaryOutcome> {
  const baseUrl = p100BaseUrl();
  const transport = deps.transport ?? httpTransport({ baseUrl, apiKey: apiKeyFromSecret(await secretCache().get(apiKeySecretId())) });
  const webhooks = checkWebhookPayloads(await recentInboxWebhooks(INBOX_SAMPLE));
  const report = await verifyContract({ baseUrl, transport, mode: 'read-only', webhooks });
  const drifts = driftCount(report);
  await putLatestContractReport(report.startedAt, JSON.stringify(report));
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: CONTRACT_METRIC_SERVICE });
  metrics.addMetric(CONTRACT_DRIFT_METRIC, MetricUnit.Count, drifts);
  metrics.publishStoredMetrics();
  logger.info('contract check done', { drifts, operations: report.summary.operations, driftKinds: report.summary.drifts });
  return { startedAt: report.startedAt, drifts, operations: report.summary.operations };
}

function apiKeySecretId(): string {
  const id = readEnv(ENV.apiKeySecretId);
  if (!id) throw new Error(`${ENV.apiKeySecretId} is not set`);
  return id;
}

/** `GET /operations/contract/reports/latest`: the canary's last report, 404 before its first run. */
export const getContractReportImpl: OperationImpl = async () => {
  const json = await getLatestContractReport();
  if (json === undefined) throw new HttpProblem(404, 'not-found', 'No contract report yet', 'the contract canary has not run yet (hourly by default)');
  return { status: 200, body: JSON.parse(json) as unknown };
};
