import type { Node } from 'constructs';
import { P100_BASE_URLS } from '../../shared/config/env.js';

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
  /** Optional e-mail subscribed to the alarm topic (production). */
  alarmEmail: string | undefined;
  apiThrottle: { rateLimit: number; burstLimit: number };
  /** JSON passed to P100_UPSTREAM_OVERRIDES / WEBHOOK_PATH_OVERRIDES unchanged (validated as JSON objects). */
  upstreamOverrides: string | undefined;
  webhookPathOverrides: Record<string, string>;
  /** Production keeps data and has alarms wired to SNS; staging may be destroyed. */
  retainData: boolean;
  logRetentionDays: number;
}

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

export function readConfig(node: ContextReader): SuiteConfig {
  const stageRaw = str(node, 'stage') ?? 'staging';
  if (stageRaw !== 'staging' && stageRaw !== 'production') throw new InvalidContextError('stage', `must be staging or production, not "${stageRaw}"`);
  const stage: DeployStage = stageRaw;
  const production = stage === 'production';

  const issuer = str(node, 'jwtIssuer');
  const audience = str(node, 'jwtAudience');
  if ((issuer === undefined) !== (audience === undefined)) throw new InvalidContextError(issuer ? 'jwtAudience' : 'jwtIssuer', 'is required when the other JWT setting is given');
  if (issuer !== undefined && !issuer.startsWith('https://')) throw new InvalidContextError('jwtIssuer', 'must be an https:// URL');

  const webhookPaths = jsonObject(node, 'webhookPathOverrides') ?? {};
  for (const [name, p] of Object.entries(webhookPaths)) {
    if (typeof p !== 'string' || !p.startsWith('/webhook/')) throw new InvalidContextError('webhookPathOverrides', `entry "${name}" must be a path starting with /webhook/`);
  }
  const upstream = jsonObject(node, 'upstreamOverrides');

  const baseUrl = str(node, 'p100BaseUrl') ?? P100_BASE_URLS[stage];
  if (!baseUrl.startsWith('https://')) throw new InvalidContextError('p100BaseUrl', 'must be an https:// URL');

  return {
    stage,
    prefix: `p100-${stage}`,
    p100BaseUrl: baseUrl,
    staticEgress: bool(node, 'staticEgress', false),
    reconcileIntervalMinutes: int(node, 'reconcileIntervalMinutes', 15, 1, 1440),
    jwt: issuer && audience ? { issuer, audience: audience.split(',').map((a) => a.trim()).filter(Boolean) } : undefined,
    alarmEmail: str(node, 'alarmEmail'),
    apiThrottle: { rateLimit: int(node, 'apiRateLimit', 50, 1, 10_000), burstLimit: int(node, 'apiBurstLimit', 100, 1, 5_000) },
    upstreamOverrides: upstream ? JSON.stringify(upstream) : undefined,
    webhookPathOverrides: webhookPaths as Record<string, string>,
    retainData: production,
    logRetentionDays: production ? 365 : 30,
  };
}
