/**
 * Decimal strings, the one form money takes in the suite: never a JavaScript `number` (a float would round
 * "0.1" + "0.2"). Everything the suite does with them lives here: reading P100's JSON numbers, comparing,
 * counting minor units, and the pattern and words of "at most n decimals, below 10^m". Written by hand
 * because each piece is a few lines of string work. (local/sandbox/decimal.ts is a separate reading of
 * the reference on purpose: the sandbox never imports shared/.)
 */

/** How precise and how large a positive decimal string may be. */
export interface DecimalRule {
  /** Digits allowed after the decimal point. */
  decimals: number;
  /** Digits allowed before it: amounts stay below 10^maxIntegerDigits. */
  maxIntegerDigits: number;
}

/**
 * Compares decimal strings as numbers without floating point ("10.5" equals "10.50" and "010.5"):
 * money is never a `number` here. Written by hand because it is four lines of string normalisation.
 */
export function normalizeDecimal(s: string): string {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(s.trim());
  if (!m) return s.trim();
  const int = (m[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const sign = m[1] && (int !== '0' || frac) ? '-' : '';
  return `${sign}${int}${frac ? `.${frac}` : ''}`;
}

export function sameDecimal(a: string, b: string): boolean {
  return normalizeDecimal(a) === normalizeDecimal(b);
}

/**
 * A JSON number as a decimal string, printed through its shortest round-trip form, never through
 * arithmetic: `1e-7` becomes "0.0000001".
 */
export function numberToDecimalString(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // Expand exponent notation (1e-7) without floating-point arithmetic on the digits.
  const [mantissa = '0', expPart = '0'] = s.toLowerCase().split('e');
  const exp = Number(expPart);
  const negative = mantissa.startsWith('-');
  const [intPart = '0', fracPart = ''] = mantissa.replace('-', '').split('.');
  const digits = intPart + fracPart;
  const point = intPart.length + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + out.replace(/^0+(?=\d)/, '');
}

/**
 * The value of a plain decimal string ("500.5") in minor units of `decimals` digits (50050n for 2): compares
 * amounts without floating point. The caller has checked the string has at most `decimals` decimals.
 */
export function toMinorUnits(s: string, decimals: number): bigint {
  const [i = '0', f = ''] = s.split('.');
  return BigInt(i) * 10n ** BigInt(decimals) + BigInt(f.padEnd(decimals, '0') || '0');
}

/**
 * The regular expression of a positive decimal string with at most `decimals` decimals and
 * `maxIntegerDigits` integer digits. Written without look-ahead (every JSON Schema and client regex engine
 * reads it): either a non-zero integer part, or `0.` followed by a fraction that has a non-zero digit.
 *
 * @example
 * amountPattern({ decimals: 2, maxIntegerDigits: 9 }) // '^(?:[1-9][0-9]{0,8}(?:\\.[0-9]{1,2})?|0\\.(?:[1-9][0-9]?|0[1-9]))$'
 */
export function amountPattern(rule: DecimalRule): string {
  const { decimals, maxIntegerDigits } = rule;
  const upTo = (n: number) => (n === 0 ? '' : n === 1 ? '[0-9]?' : `[0-9]{0,${n}}`);
  const integer = `[1-9]${upTo(maxIntegerDigits - 1)}`;
  if (decimals === 0) return `^${integer}$`;
  const fraction = decimals === 1 ? '(?:\\.[0-9])?' : `(?:\\.[0-9]{1,${decimals}})?`;
  const belowOne: string[] = [];
  for (let zeros = 0; zeros < decimals; zeros++) belowOne.push(`${'0'.repeat(zeros)}[1-9]${upTo(decimals - 1 - zeros)}`);
  return `^(?:${integer}${fraction}|0\\.(?:${belowOne.join('|')}))$`;
}

/** Human words for a rule: "at most 2 decimals, below 1000000000". */
export function describeRule(rule: DecimalRule): string {
  return `greater than 0, at most ${rule.decimals} decimals, below 1${'0'.repeat(rule.maxIntegerDigits)}`;
}
