import * as z from 'zod';

/**
 * Building blocks shared by catalog entries. Rule of the house (ARCHITECTURE.md "Unknowns"):
 * validate strictly what we send, parse tolerantly what P100 returns.
 */

/** A money amount as a positive decimal string, at most 18 decimals; the only way amounts enter the suite. */
export const decimalAmount = z
  .string()
  .max(40)
  .regex(/^(?:0|[1-9]\d{0,20})(?:\.\d{1,18})?$/, 'must be a decimal string such as "10.50"')
  .refine((s) => /[1-9]/.test(s), 'must be greater than zero');

/**
 * An amount as P100 sends it: a JSON number or a decimal string, normalised to a decimal string.
 * Numbers are printed through their shortest round-trip form, never through arithmetic.
 */
export const upstreamAmount = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === 'number' ? numberToDecimalString(v) : v));

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

const CRYPTO = ['btc', 'eth', 'ltc', 'doge', 'pol', 'usdc', 'usdt', 'eurt'] as const;
export const cryptoCurrency = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(CRYPTO));
export const currency = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(['eur', ...CRYPTO]));
export const fiatCurrency = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(['eur']));
export const network = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(['ethereum', 'polygon', 'bitcoin', 'litecoin', 'dogecoin']));

/** Partner-chosen user id: printable, no slashes (it travels in URL paths), 1..128 chars. */
export const externalUserId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'letters, digits and . _ : @ - only');

/** Ids P100 issues (uuid in every example; accept any safe token since the format is not documented). */
export const p100Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

export const countryCode = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, upper case');
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
export const iban = z
  .string()
  .transform((s) => s.replace(/\s+/g, '').toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/, 'must be an IBAN'));
/** Upper-cases a status so `completed` and `COMPLETED` read the same (reference contradiction 4). */
export const upstreamStatus = z.string().transform((s) => s.toUpperCase());
export const boundedText = (max: number) => z.string().min(1).max(max);
export const emptyObject = z.object({}).strict();

/** `{ message }` answers of P100's PATCH/DELETE calls; anything else passes through. */
export const messageResponse = z.looseObject({ message: z.string().optional() });

const networkConfig = z.record(
  z.string(),
  z.looseObject({
    mainnet: z.boolean().optional(),
    name: z.string().optional(),
    withdrawal: z.looseObject({ feeWithdrawal: upstreamAmount.optional(), minWithdrawal: upstreamAmount.optional() }).optional(),
    deposit: z.looseObject({ minDeposit: upstreamAmount.optional() }).optional(),
  }),
);

export const balance = z.looseObject({
  id: z.string(),
  amount: upstreamAmount,
  name: z.string().transform((s) => s.toLowerCase()),
  rate: upstreamAmount.optional(),
  iban: z.string().nullable().optional(),
  wallet: z.string().nullable().optional(),
  status: upstreamStatus.optional(),
  networkConfig: networkConfig.optional(),
});

export const balances = z.looseObject({
  fiatBalances: z.array(balance).optional(),
  cryptoBalances: z.array(balance).optional(),
  balances: z.array(balance).optional(),
});

/** One entry of P100 transaction history (ASSUMPTIONS A8). */
export const historyEntry = z.looseObject({
  id: z.string(),
  type: upstreamStatus,
  status: upstreamStatus,
  amount: upstreamAmount,
  currency: z.string().transform((s) => s.toLowerCase()),
  externalUserId: z.string().nullable().optional(),
  referenceId: z.string().nullable().optional(),
  direction: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string().optional(),
});

export const historyPage = z.looseObject({
  transactions: z.array(historyEntry),
  page: z.number().int().optional(),
  pageSize: z.number().int().optional(),
  totalItems: z.number().int().optional(),
  totalPages: z.number().int().optional(),
});

export const historyQuery = z
  .object({
    page: z.coerce.number().int().min(1).max(1_000_000).optional(),
    pageSize: z.coerce.number().int().min(1).max(100).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const userPathParams = z.object({ externalUserId }).strict();
