/**
 * Value detectors: what makes a string sensitive whatever field it sits in (ARCHITECTURE.md "Sensitive
 * data": Luhn-valid card numbers and IBANs are treated as sensitive wherever they appear, free text and
 * fields nobody expected included; so are e-mail addresses and international phone numbers, issue 26). The one home of these rules: log redaction (shared/log/redact.ts),
 * the rest and event views (./rules.ts) and the drills all use them.
 */

// IBAN: two letters, two digits, 11–30 alphanumerics (spaces allowed in the printed form).
export const IBAN_RE = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b/g;
// Card numbers: 13–19 digits, optionally grouped by spaces or dashes; only Luhn-valid runs are card numbers
// (every issued PAN passes Luhn), which spares timestamps, phone numbers and most ids.
export const PAN_RE = /\b\d(?:[ -]?\d){12,18}\b/g;
// E-mail addresses inside free text (a merchant name, a SEPA title): a local part, `@`, a dotted domain.
// Asterisks are not in the local part's class, so a masked address (`s***@example.com`) is not found again.
export const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// Phone numbers inside free text, in the international form only (`+` then 8 to 15 digits, spaces, dashes,
// dots or one bracketed group between them): a bare digit run is an id, an amount or a time far more often
// than a phone number (ASSUMPTIONS.md V2). Card numbers never start with `+`, so the two never overlap.
export const PHONE_RE = /\+\d(?:[ .-]?(?:\(\d{1,4}\)|\d)){7,14}(?!\d)/g;
// UUIDs are ids, not card numbers, even when their first groups are all digits: they are never scanned.
export const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Card number as we may store or show it: first 6 and last 4 digits (PCI DSS truncation). */
export function maskPan(pan: string): string {
  // Already masked (a stored copy shown again): unchanged, so masking twice is masking once.
  if (/^\d{6}\*{2,9}\d{4}$/.test(pan)) return pan;
  const digits = pan.replace(/\D/g, '');
  if (digits.length < 12) return '[REDACTED]';
  return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`;
}

/** IBAN as an operator may see it: country, check digits and the last 4 characters. */
export function maskIban(iban: string): string {
  const c = iban.replace(/\s/g, '');
  if (c.length < 10) return '****';
  return `${c.slice(0, 4)}${'*'.repeat(c.length - 8)}${c.slice(-4)}`;
}

/** Whether `s` holds at least `n` digits: a card number has 13 or more (one pass, no regex). */
function hasDigits(s: string, n: number): boolean {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++count >= n) return true;
  }
  return false;
}

/** Could `s` hold an IBAN: two capitals and two digits somewhere. Every stored and logged value passes here (bench B3). */
const IBAN_HINT = /[A-Z]{2}\d{2}/;

/** Applies `replacePan` to the Luhn-valid digit runs of `s`, skipping the text inside UUIDs. */
function eachPan(s: string, replacePan: (match: string) => string): string {
  if (!hasDigits(s, 13) || !/\d{4}/.test(s)) return s;
  const scan = (t: string) => t.replace(PAN_RE, (m) => (luhnValid(m.replace(/[ -]/g, '')) ? replacePan(m) : m));
  let result = '';
  let last = 0;
  for (const m of s.matchAll(UUID_RE)) {
    result += scan(s.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return result + scan(s.slice(last));
}

/** E-mail address as an operator may see it inside free text: first character and the domain (as maskPersonal 'email'). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at > 0 ? `${email.slice(0, 1)}***${email.slice(at)}` : '***';
}

/** Phone number as an operator may see it inside free text: `+`, then the last two digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `+${'*'.repeat(Math.max(3, digits.length - 2))}${digits.slice(-2)}`;
}

/** Applies the contact detectors (e-mail, phone) to `s`; the `@` and `+` hints keep the common string to two scans of `indexOf`. */
function eachContact(s: string, replaceEmail: (m: string) => string, replacePhone: (m: string) => string): string {
  const withoutEmails = s.includes('@') ? s.replace(EMAIL_RE, replaceEmail) : s;
  return withoutEmails.includes('+') ? withoutEmails.replace(PHONE_RE, replacePhone) : withoutEmails;
}

/** Replaces every IBAN, Luhn-valid card number, e-mail address and phone number inside `s` with `replacement` (logs: nothing of them stays). */
export function replaceSensitiveValues(s: string, replacement: string): string {
  const r = () => replacement;
  return eachContact(eachPan(IBAN_HINT.test(s) ? s.replace(IBAN_RE, replacement) : s, r), r, r);
}

/**
 * Masks every IBAN, Luhn-valid card number, e-mail address and phone number inside `s` (PAN 6+4, IBAN
 * country + last 4, e-mail first character + domain, phone last 2 digits): what may rest, travel and be shown.
 */
export function maskSensitiveValues(s: string): string {
  return eachContact(
    eachPan(IBAN_HINT.test(s) ? s.replace(IBAN_RE, (m) => maskIban(m)) : s, (m) => maskPan(m)),
    maskEmail,
    maskPhone,
  );
}

export type SensitiveValueKind = 'pan' | 'iban' | 'email' | 'phone';

/** The kinds of sensitive value found inside `s` (empty when none). */
export function detectSensitiveValues(s: string): SensitiveValueKind[] {
  const found: SensitiveValueKind[] = [];
  if (new RegExp(IBAN_RE.source).test(s)) found.push('iban');
  let pan = false;
  eachPan(s, (m) => {
    pan = true;
    return m;
  });
  if (pan) found.push('pan');
  if (new RegExp(EMAIL_RE.source).test(s)) found.push('email');
  if (new RegExp(PHONE_RE.source).test(s)) found.push('phone');
  return found;
}
