import type { Node } from 'constructs';
import { P100_BASE_URLS } from '../../shared/config/env.js';
import { defaultRunbookUrl } from './runbook.js';

export type DeployStage = 'staging' | 'production';

/**
 * Everything a deployment can vary, read from CDK context (`-c key=value` or cdk.json) and validated
 * once, when the app is built. Defaults are the safe ones; see infra/README.md "Context".
 */
export interface SuiteConfig {
  stage: DeployStage;
  /** Prefix of every physical name (functions, log groups, secrets, bus): `p100-<stage>`. */
  prefix: string;
  p100BaseUrl: string;
  /** VPC with one NAT gateway and an Elastic IP, functions in private subnets (P100 production IP allow-list). */
  staticEgress: boolean;
  reconcileIntervalMinutes: number;
  /** JWT authorizer instead of IAM on operation routes, when both are given. */
  jwt: { issuer: string; audience: string[] } | undefined;
  /**
   * The operator console (`-c console=true`, infra/lib/console.ts): site bucket + CloudFront, Cognito user
   * pool, JWT routes for the operator functions. Off by default.
   */
  console: boolean;
  /** Cognito domain prefix of the console's sign-in (`-c consoleDomainPrefix=...`; default `<prefix>-console-<account>`). */
  consoleDomainPrefix: string | undefined;
  /** Optional e-mail subscribed to the alarm topic (production). */
  alarmEmail: string | undefined;
  /** Where each alarm's description links to (its runbook entry is `#<anchor>` of it); default docs/runbook.md. */
  runbookUrl: string;
  /** Default route throttling of the stage: every company route (operations, `/openapi.json`). */
  apiThrottle: Throttle;
  /**
   * Throttle of each webhook route and the health probe: tighter than {@link apiThrottle}. These routes
   * need no caller credentials at the gateway (the token is checked in the function), so they are the
   * cheapest to flood; P100 retries a throttled delivery (4 retries over about 2 minutes).
   */
  webhookThrottle: Throttle;
  /** Reserved concurrency (a cap, and a reservation) of the functions that must not starve the money path; 0: none. */
  reservedConcurrency: ReservedConcurrency;
  /** The account's concurrent-executions quota the reservations are checked against (Lambda keeps 100 unreserved). */
  accountConcurrency: number;
  /** JSON passed to P100_UPSTREAM_OVERRIDES / WEBHOOK_PATH_OVERRIDES unchanged (validated as JSON objects). */
  upstreamOverrides: string | undefined;
  /** JSON passed to P100_CURRENCY_RULES of functions calling P100 (per-currency amount precision and bound). */
  currencyRules: string | undefined;
  webhookPathOverrides: Record<string, string>;
  /** Production keeps data and has alarms wired to SNS; staging may be destroyed. */
  retainData: boolean;
  logRetentionDays: number;
}

export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

export interface ReservedConcurrency {
  /** Each webhook receiver (and the health probe). */
  webhookReceiver: number;
  /** The webhook processor; also the maximum concurrency of its SQS event source. */
  webhookProcessor: number;
  /** The scheduled reconcile (one run at a time; a second slot for its continuation after a timeout). */
  reconcile: number;
  /** reconcileUsers; also the maximum concurrency of its SQS event source. */
  reconcileUsers: number;
}

/**
 * Reserved concurrency per stage (context `<name>Concurrency` overrides each; infra/README.md "Concurrency").
 * With 14 receivers: staging 14x2+5+2+3 = 38, production 14x5+10+2+5 = 87 of the account's 1000.
 */
export const defaultReservedConcurrency: Readonly<Record<DeployStage, ReservedConcurrency>> = {
  staging: { webhookReceiver: 2, webhookProcessor: 5, reconcile: 2, reconcileUsers: 3 },
  production: { webhookReceiver: 5, webhookProcessor: 10, reconcile: 2, reconcileUsers: 5 },
};

/** Lambda refuses reservations that leave fewer unreserved executions than this. */
export const minimumUnreservedConcurrency = 100;

export class InvalidContextError extends Error {
  constructor(key: string, problem: string) {
    super(`CDK context "${key}" ${problem} (set it with -c ${key}=... or in cdk.json)`);
    this.name = 'InvalidContextError';
  }
}

type ContextReader = Pick<Node, 'tryGetContext'>;

function str(node: ContextReader, key: string): string | undefined {
  const v: unknown = node.tryGetContext(key);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function bool(node: ContextReader, key: string, fallback: boolean): boolean {
  const v = str(node, key);
  if (v === undefined) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new InvalidContextError(key, `must be true or false, not "${v}"`);
}

function int(node: ContextReader, key: string, fallback: number, min: number, max: number): number {
  const v = str(node, key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidContextError(key, `must be an integer from ${min} to ${max}, not "${v}"`);
  return n;
}

function jsonObject(node: ContextReader, key: string): Record<string, unknown> | undefined {
  const v = str(node, key);
  if (v === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new InvalidContextError(key, 'must be a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidContextError(key, 'must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** `runbookUrl`: an https:// URL of docs/runbook.md (the repository's web view, a wiki), or the default relative path. */
function runbookUrlOf(node: ContextReader): string {
  const url = str(node, 'runbookUrl') ?? defaultRunbookUrl;
  // Bounded so that the link always fits CloudWatch's 1024-character alarm description.
  if (url !== defaultRunbookUrl && !/^https:\/\/[^\s#]{1,500}$/.test(url))
    throw new InvalidContextError('runbookUrl', 'must be an https:// URL without a #fragment, at most 508 characters');
  return url;
}

export function readConfig(node: ContextReader): SuiteConfig {
  const stageRaw = str(node, 'stage') ?? 'staging';
  if (stageRaw !== 'staging' && stageRaw !== 'production') throw new InvalidContextError('stage', `must be staging or production, not "${stageRaw}"`);
  const stage: DeployStage = stageRaw;
  const production = stage === 'production';

  const issuer = str(node, 'jwtIssuer');
  const audience = str(node, 'jwtAudience');
  if ((issuer === undefined) !== (audience === undefined))
    throw new InvalidContextError(issuer ? 'jwtAudience' : 'jwtIssuer', 'is required when the other JWT setting is given');
  if (issuer !== undefined && !issuer.startsWith('https://')) throw new InvalidContextError('jwtIssuer', 'must be an https:// URL');

  const webhookPaths = jsonObject(node, 'webhookPathOverrides') ?? {};
  for (const [name, p] of Object.entries(webhookPaths)) {
    if (typeof p !== 'string' || !p.startsWith('/webhook/'))
      throw new InvalidContextError('webhookPathOverrides', `entry "${name}" must be a path starting with /webhook/`);
  }
  const upstream = jsonObject(node, 'upstreamOverrides');
  const currencyRules = jsonObject(node, 'currencyRules');

  const apiThrottle: Throttle = { rateLimit: int(node, 'apiRateLimit', 50, 1, 10_000), burstLimit: int(node, 'apiBurstLimit', 100, 1, 5_000) };
  const webhookThrottle: Throttle = { rateLimit: int(node, 'webhookRateLimit', 20, 1, 10_000), burstLimit: int(node, 'webhookBurstLimit', 40, 1, 5_000) };
  // "Tighter" is the point of the webhook setting: refuse a configuration where it is not.
  if (webhookThrottle.rateLimit > apiThrottle.rateLimit)
    throw new InvalidContextError('webhookRateLimit', `must not exceed apiRateLimit (${apiThrottle.rateLimit}), not "${webhookThrottle.rateLimit}"`);
  if (webhookThrottle.burstLimit > apiThrottle.burstLimit)
    throw new InvalidContextError('webhookBurstLimit', `must not exceed apiBurstLimit (${apiThrottle.burstLimit}), not "${webhookThrottle.burstLimit}"`);
  const concurrency = defaultReservedConcurrency[stage];
  const consumerConcurrency = (key: string, fallback: number): number => {
    const n = int(node, key, fallback, 0, 1000);
    // It is also the SQS event source's maximum concurrency, which Lambda requires to be at least 2.
    if (n === 1) throw new InvalidContextError(key, 'must be 0 (no reservation) or at least 2 (SQS event sources need 2), not "1"');
    return n;
  };

  const baseUrl = str(node, 'p100BaseUrl') ?? P100_BASE_URLS[stage];
  if (!baseUrl.startsWith('https://')) throw new InvalidContextError('p100BaseUrl', 'must be an https:// URL');

  return {
    stage,
    prefix: `p100-${stage}`,
    p100BaseUrl: baseUrl,
    staticEgress: bool(node, 'staticEgress', false),
    reconcileIntervalMinutes: int(node, 'reconcileIntervalMinutes', 15, 1, 1440),
    jwt:
      issuer && audience
        ? {
            issuer,
            audience: audience
              .split(',')
              .map((a) => a.trim())
              .filter(Boolean),
          }
        : undefined,
    alarmEmail: str(node, 'alarmEmail'),
    runbookUrl: runbookUrlOf(node),
    console: bool(node, 'console', false),
    consoleDomainPrefix: consolePrefix(node),
    apiThrottle,
    webhookThrottle,
    reservedConcurrency: {
      webhookReceiver: int(node, 'webhookReceiverConcurrency', concurrency.webhookReceiver, 0, 1000),
      webhookProcessor: consumerConcurrency('webhookProcessorConcurrency', concurrency.webhookProcessor),
      reconcile: int(node, 'reconcileConcurrency', concurrency.reconcile, 0, 1000),
      reconcileUsers: consumerConcurrency('reconcileUsersConcurrency', concurrency.reconcileUsers),
    },
    accountConcurrency: int(node, 'accountConcurrency', 1000, 1, 1_000_000),
    upstreamOverrides: upstream ? JSON.stringify(upstream) : undefined,
    currencyRules: currencyRules ? JSON.stringify(currencyRules) : undefined,
    webhookPathOverrides: webhookPaths as Record<string, string>,
    retainData: production,
    logRetentionDays: production ? 365 : 30,
  };
}

/** Cognito domain prefixes: lower-case letters, digits and hyphens, 1 to 63, not starting or ending with a hyphen, no "aws"/"amazon"/"cognito". */
function consolePrefix(node: ContextReader): string | undefined {
  const v = str(node, 'consoleDomainPrefix');
  if (v === undefined) return undefined;
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(v) || /aws|amazon|cognito/.test(v))
    throw new InvalidContextError(
      'consoleDomainPrefix',
      `must be 1-63 lower-case letters, digits and hyphens without "aws", "amazon" or "cognito", not "${v}"`,
    );
  return v;
}
