import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberToDecimalString, sameDecimal, toMinorUnits } from '../../shared/decimal.js';

describe('shared/decimal.ts', () => {
  it('counts minor units of a plain decimal string without floating point', () => {
    expect(toMinorUnits('500', 2)).toBe(50000n);
    expect(toMinorUnits('500.5', 2)).toBe(50050n);
    expect(toMinorUnits('0.07', 2)).toBe(7n);
    expect(toMinorUnits('999999999.99', 2)).toBe(99999999999n);
    expect(toMinorUnits('12', 0)).toBe(12n);
    expect(toMinorUnits('1.00000001', 8)).toBe(100000001n);
  });

  it('minor units order as the amounts do, for any two amounts of 2 decimals', () => {
    const amount = fc
      .tuple(fc.bigInt({ min: 0n, max: 999_999_999n }), fc.integer({ min: 0, max: 99 }))
      .map(([i, c]) => ({ s: `${i}.${String(c).padStart(2, '0')}`, v: i * 100n + BigInt(c) }));
    fc.assert(fc.property(amount, (a) => toMinorUnits(a.s, 2) === a.v));
  });

  it('prints JSON numbers as the decimal strings they read as', () => {
    expect(numberToDecimalString(1e-7)).toBe('0.0000001');
    expect(numberToDecimalString(1.5e21)).toBe('1500000000000000000000');
    expect(numberToDecimalString(-2.5e-3)).toBe('-0.0025');
    expect(sameDecimal(numberToDecimalString(10.5), '10.50')).toBe(true);
  });
});
