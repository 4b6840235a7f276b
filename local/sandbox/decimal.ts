/**
 * Fixed-point decimal arithmetic on BigInt. Money never touches a float in the sandbox: amounts are
 * held as integer minor units at the currency's precision (`units` at `scale`), rates as decimals of
 * any scale. Inputs may be decimal strings or JSON numbers (the reference shows both), but numbers
 * are read through their shortest string form so `0.1` stays `0.1`.
 *
 * @example
 * const d = parseDecimal('10.50');          // { units: 1050n, scale: 2 }
 * formatUnits(toScale(d!, 8), 8);          // '10.50000000'
 */
export interface Decimal {
  units: bigint;
  scale: number;
}

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses a decimal string or finite number; `null` when it is not a plain decimal (no exponents). */
export function parseDecimal(input: unknown): Decimal | null {
  let text: string;
  if (typeof input === 'string') text = input.trim();
  else if (typeof input === 'number' && Number.isFinite(input)) text = String(input);
  else return null;
  const m = DECIMAL_RE.exec(text);
  if (!m) return null;
  const frac = m[3] ?? '';
  const units = BigInt((m[2] ?? '0') + frac);
  return { units: m[1] ? -units : units, scale: frac.length };
}

export function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Rescales towards zero (truncation), the conservative choice for amounts credited to someone. */
export function toScale(d: Decimal, scale: number): bigint {
  if (scale >= d.scale) return d.units * pow10(scale - d.scale);
  return d.units / pow10(d.scale - scale);
}

/** True when `d` can be represented at `scale` without losing digits. */
export function fitsScale(d: Decimal, scale: number): boolean {
  if (scale >= d.scale) return true;
  return d.units % pow10(d.scale - scale) === 0n;
}

/** Parses an amount for a currency of `scale` decimals: positive, not more precise than the currency. */
export function parseAmount(input: unknown, scale: number): bigint | null {
  const d = parseDecimal(input);
  if (!d || d.units <= 0n || !fitsScale(d, scale)) return null;
  return toScale(d, scale);
}

/** Formats integer minor units at `scale` as a padded decimal string (`"0.00"`, `"1.50000000"`). */
export function formatUnits(units: bigint, scale: number): string {
  const neg = units < 0n;
  const abs = (neg ? -units : units).toString().padStart(scale + 1, '0');
  const head = abs.slice(0, abs.length - scale);
  const body = scale > 0 ? `${head}.${abs.slice(abs.length - scale)}` : head;
  return neg ? `-${body}` : body;
}

/** Formats a decimal with trailing zeros trimmed (rates: `"0.0000097869"`). */
export function formatDecimal(d: Decimal): string {
  const s = formatUnits(d.units, d.scale);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

export function mul(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** a / b truncated to `scale` decimals. */
export function div(a: Decimal, b: Decimal, scale: number): Decimal {
  if (b.units === 0n) throw new RangeError('division by zero');
  // a/b = (a.units / 10^a.scale) / (b.units / 10^b.scale); shift so the quotient lands at `scale`.
  const shift = scale + b.scale - a.scale;
  const num = shift >= 0 ? a.units * pow10(shift) : a.units / pow10(-shift);
  return { units: num / b.units, scale };
}

/** `units * permille / 1000`-style percentage in basis points of a basis point (ppm), rounded up. */
export function percentCeil(units: bigint, ppm: bigint): bigint {
  const raw = units * ppm;
  const q = raw / 1_000_000n;
  return raw % 1_000_000n === 0n ? q : q + 1n;
}

/** Converts a decimal to a JS number for fields the reference documents as JSON numbers (display only). */
export function toNumber(units: bigint, scale: number): number {
  return Number(formatUnits(units, scale));
}
