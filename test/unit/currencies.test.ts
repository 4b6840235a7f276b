import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURRENCY_RULES, currencyRules, type CurrencyRule } from '../../shared/catalog/currencies.js';
import { amountPattern } from '../../shared/decimal.js';

/** The currency table (ASSUMPTIONS G10): its amount patterns against a plain reading of the rule, and its override. */

/** The rule read plainly: digits, optional fraction, no leading zero, > 0, within decimals and integer digits. */
function reference(s: string, rule: CurrencyRule): boolean {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return false;
  const [, int = '', frac] = m;
  if (int.length > 1 && int.startsWith('0')) return false;
  if (frac !== undefined && frac.length > rule.decimals) return false;
  if (int.length > rule.maxIntegerDigits) return false;
  return /[1-9]/.test(int + (frac ?? ''));
}

describe('currency table', () => {
  it('has the precisions of the reference (part 1 §1.5) and the chosen ones for doge and eurt', () => {
    expect(Object.fromEntries(Object.entries(CURRENCY_RULES).map(([c, r]) => [c, r.decimals]))).toEqual({
      eur: 2,
      btc: 8,
      eth: 8,
      ltc: 8,
      doge: 8,
      pol: 8,
      usdc: 6,
      usdt: 6,
      eurt: 6,
    });
  });

  it('amountPattern accepts exactly what the rule says, for any rule', () => {
    const text = fc.stringMatching(/^[0-9.]{0,14}$/);
    const rule = fc.record({ decimals: fc.integer({ min: 0, max: 9 }), maxIntegerDigits: fc.integer({ min: 1, max: 12 }) });
    fc.assert(
      fc.property(rule, text, (r, s) => {
        expect(new RegExp(amountPattern(r)).test(s), `${s} ${JSON.stringify(r)}`).toBe(reference(s, r));
      }),
      { seed: 13, numRuns: 3000 },
    );
    const eur = new RegExp(amountPattern(CURRENCY_RULES.eur));
    for (const bad of ['0', '0.00', '10.001', '1000000000', '01', '.5', '5.', '0.000000000000000001']) expect(eur.test(bad), bad).toBe(false);
    for (const good of ['0.01', '10.5', '999999999.99', '1']) expect(eur.test(good), good).toBe(true);
  });

  it('P100_CURRENCY_RULES overrides a rule and refuses nonsense loudly', () => {
    expect(currencyRules('{"eth":{"decimals":18}}').eth).toEqual({ decimals: 18, maxIntegerDigits: CURRENCY_RULES.eth.maxIntegerDigits });
    expect(currencyRules(undefined)).toEqual(CURRENCY_RULES);
    expect(() => currencyRules('{"xyz":{"decimals":2}}')).toThrow(/unknown currency/);
    expect(() => currencyRules('{"eur":{"decimals":-1}}')).toThrow(/decimals/);
    expect(() => currencyRules('[1]')).toThrow(/JSON object/);
  });
});
