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
