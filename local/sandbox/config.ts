import { z } from 'zod';

/**
 * Runtime configuration of a sandbox. Defaults live here, in one place; `POST /_sandbox/config`
 * merges a validated partial over the current values.
 */
export interface RateLimitConfig {
  requestsPerSecond: number;
  burst: number;
}

export interface SandboxConfig {
  apiKey: string;
  webhookBaseUrl: string | null;
  webhookToken: string;
  /** Multiplies webhook retry delays (8/16/32/64 s). 0.001 turns them into 8/16/32/64 ms. */
  timeScale: number;
  /** Real-time delay before an accepted asynchronous operation settles. */
  settleDelayMs: number;
  /** A delivery attempt that gets no answer within this time counts as failed (E2: 10 s). */
  webhookTimeoutMs: number;
  /** SEPA integration level of the partner (C11: level 1 is the default for new partners). */
  sepaLevel: 1 | 2;
  /** EUR value per unit, by currency slug (decimal strings). */
  rates: Record<string, string>;
  /** Network fee overrides keyed `currency` or `currency:network`. */
  networkFees: Record<string, string>;
  rateLimit: RateLimitConfig | null;
  /** KYC-by-P100 verifications, POA reviews and SEPA name checks decide themselves when true. */
  autoApprove: boolean;
  /** IBANs the partner itself may pay out to under SEPA level 1. */
  partnerIbans: string[];
  quiet: boolean;
}

export const DEFAULT_CONFIG: SandboxConfig = {
  apiKey: 'sandbox-api-key',
  webhookBaseUrl: null,
  webhookToken: 'sandbox-webhook-token',
  timeScale: 1,
  settleDelayMs: 50,
  webhookTimeoutMs: 10_000,
  sepaLevel: 1,
  rates: {},
  networkFees: {},
  rateLimit: null,
  autoApprove: true,
  partnerIbans: [],
  quiet: true,
};

const decimalString = z.string().regex(/^\d+(\.\d+)?$/);

export const configPatchSchema = z
  .object({
    webhookBaseUrl: z.string().url().nullable(),
    webhookToken: z.string().min(1),
    timeScale: z.number().positive().max(10),
    settleDelayMs: z.number().int().min(0).max(600_000),
    webhookTimeoutMs: z.number().int().min(1).max(120_000),
    sepaLevel: z.union([z.literal(1), z.literal(2)]),
    rates: z.record(z.string(), decimalString),
    networkFees: z.record(z.string(), decimalString),
    rateLimit: z.object({ requestsPerSecond: z.number().positive(), burst: z.number().int().min(1) }).nullable(),
    autoApprove: z.boolean(),
    partnerIbans: z.array(z.string().min(5)),
    quiet: z.boolean(),
  })
  .partial()
  .strict();

export type ConfigPatch = z.infer<typeof configPatchSchema>;

/** Applies a validated patch; rates and fees merge key by key, everything else replaces. */
export function applyConfigPatch(cfg: SandboxConfig, patch: ConfigPatch): void {
  const { rates, networkFees, ...rest } = patch;
  Object.assign(cfg, rest);
  if (rates) cfg.rates = { ...cfg.rates, ...Object.fromEntries(Object.entries(rates).map(([k, v]) => [k.toLowerCase(), v])) };
  if (networkFees) cfg.networkFees = { ...cfg.networkFees, ...Object.fromEntries(Object.entries(networkFees).map(([k, v]) => [k.toLowerCase(), v])) };
}

/** The config as `GET /_sandbox/config` shows it: secrets are never echoed. */
export function publicConfig(cfg: SandboxConfig): Record<string, unknown> {
  const { apiKey: _k, webhookToken: _t, ...rest } = cfg;
  return { ...rest, apiKeySet: cfg.apiKey.length > 0, webhookTokenSet: cfg.webhookToken.length > 0 };
}
