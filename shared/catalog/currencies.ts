/**
 * The currency table the catalog validates amounts with: decimals and a sane upper bound per currency
 * (ASSUMPTIONS G10). One table, two faces: the zod refinements that refuse a request and the JSON Schema
 * patterns `openapi.json` shows are both generated from it, so they cannot disagree.
 *
 * Decimals: reference part 1 §1.5 (balances padded to eur 2, usdc/usdt 6, btc/eth/ltc/pol 8 dp); doge and
 * eurt are not shown there and are our choice (doge 8 like its chain, eurt 6 like the other stablecoins).
 * Upper bounds are ours: an amount must stay below 10^maxIntegerDigits units, far above any real balance
 * and far below what could overflow anything that reads it.
 *
 * Overridable without a code change by `P100_CURRENCY_RULES`, JSON such as
 * `{"eth":{"decimals":18},"eur":{"maxIntegerDigits":7}}`, read once at load, so the handlers and the
 * document served by `GET /openapi.json` in the same deployment follow the same values.
 */
import { ENV } from '../config/env.js';
import type { DecimalRule } from '../decimal.js';

export const CRYPTO_CURRENCIES = ['btc', 'eth', 'ltc', 'doge', 'pol', 'usdc', 'usdt', 'eurt'] as const;
export const CURRENCIES = ['eur', ...CRYPTO_CURRENCIES] as const;
export type Currency = (typeof CURRENCIES)[number];

/** A currency's amount rule: its decimals and integer digits (shared/decimal.ts reads and describes such rules). */
export type CurrencyRule = DecimalRule;

const DEFAULT_RULES: Readonly<Record<Currency, CurrencyRule>> = {
  eur: { decimals: 2, maxIntegerDigits: 9 },
  btc: { decimals: 8, maxIntegerDigits: 5 },
  eth: { decimals: 8, maxIntegerDigits: 7 },
  ltc: { decimals: 8, maxIntegerDigits: 8 },
  doge: { decimals: 8, maxIntegerDigits: 11 },
  pol: { decimals: 8, maxIntegerDigits: 10 },
  usdc: { decimals: 6, maxIntegerDigits: 9 },
  usdt: { decimals: 6, maxIntegerDigits: 9 },
  eurt: { decimals: 6, maxIntegerDigits: 9 },
};

export const CURRENCY_RULES_ENV = ENV.currencyRules;

/** Applies `P100_CURRENCY_RULES` over the defaults; a malformed value fails at cold start, loudly. */
export function currencyRules(raw: string | undefined = process.env[CURRENCY_RULES_ENV]): Readonly<Record<Currency, CurrencyRule>> {
  if (!raw) return DEFAULT_RULES;
  const parsed: unknown = JSON.parse(raw);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${CURRENCY_RULES_ENV} must be a JSON object`);
  const out: Record<Currency, CurrencyRule> = { ...DEFAULT_RULES };
  for (const [slug, v] of Object.entries(parsed)) {
    if (!(CURRENCIES as readonly string[]).includes(slug)) throw new Error(`${CURRENCY_RULES_ENV}.${slug}: unknown currency`);
    const { decimals, maxIntegerDigits } = (v ?? {}) as Partial<CurrencyRule>;
    const rule = { ...out[slug as Currency], ...(decimals !== undefined ? { decimals } : {}), ...(maxIntegerDigits !== undefined ? { maxIntegerDigits } : {}) };
    if (!Number.isInteger(rule.decimals) || rule.decimals < 0 || rule.decimals > 18) throw new Error(`${CURRENCY_RULES_ENV}.${slug}.decimals must be 0..18`);
    if (!Number.isInteger(rule.maxIntegerDigits) || rule.maxIntegerDigits < 1 || rule.maxIntegerDigits > 21)
      throw new Error(`${CURRENCY_RULES_ENV}.${slug}.maxIntegerDigits must be 1..21`);
    out[slug as Currency] = rule;
  }
  return out;
}

export const CURRENCY_RULES = currencyRules();

/** The loosest rule of a set of currencies: what an amount field accepts before its currency is known. */
export function widestRule(currencies: readonly Currency[] = CURRENCIES): CurrencyRule {
  return {
    decimals: Math.max(...currencies.map((c) => CURRENCY_RULES[c].decimals)),
    maxIntegerDigits: Math.max(...currencies.map((c) => CURRENCY_RULES[c].maxIntegerDigits)),
  };
}
