import * as z from 'zod';
import { amountPattern, describeRule, numberToDecimalString } from '../decimal.js';
import { CRYPTO_CURRENCIES, CURRENCIES, CURRENCY_RULES, type Currency, type CurrencyRule, widestRule } from './currencies.js';

/**
 * Building blocks shared by catalog entries. Rule of the house (ARCHITECTURE.md "Unknowns"):
 * validate strictly what we send, parse tolerantly what P100 returns.
 *
 * One definition, two faces (issue 13): every rule a request schema enforces must also show in its JSON
 * Schema (`openapi.json`). So rules are written as zod features that have a JSON Schema form (regex,
 * enum, min/max, `z.iso.date()`), and the few cross-field rules go through `withRules`, which attaches the
 * check and its JSON Schema (`allOf` of `if`/`then`/`not`, `minProperties`) from one definition. A
 * `.transform()` always ends in `.pipe(<typed schema>)` so the answer side has a real type too.
 */

/** Both accepted spellings of an enum: lower and upper case (ASSUMPTIONS G11). Mixed case is refused. */
export function spellings<const T extends readonly string[]>(values: T): string[] {
  return [...values, ...values.map((v) => v.toUpperCase())];
}

/**
 * An enum read in lower or upper case and normalised to its lower-case value. The JSON Schema lists both
 * spellings (an `enum`), which generated clients type exactly; `Eur` is refused by both faces.
 */
export function caseInsensitiveEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .enum(spellings(values) as [string, ...string[]])
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(values));
}

/** A money amount of a known currency: a positive decimal string within the currency's precision and bound. */
export function amountOf(currency: Currency) {
  return amountWithin(CURRENCY_RULES[currency], `A ${currency} amount as a decimal string: ${describeRule(CURRENCY_RULES[currency])}.`);
}

function amountWithin(rule: CurrencyRule, description: string) {
  return z
    .string()
    .max(40)
    .regex(new RegExp(amountPattern(rule)), `must be a decimal string ${describeRule(rule)}, such as "10.50"`)
    .describe(description);
}

/**
 * An amount whose currency is a sibling field: accepts what some currency accepts; `amountInCurrency`
 * then narrows it to the currency sent (the JSON Schema does the same with `if`/`then`).
 */
export const decimalAmount = amountWithin(
  widestRule(),
  `A decimal string greater than 0 ("10.50"); the precision and upper bound depend on the currency: ${CURRENCIES.map((c) => `${c} ${CURRENCY_RULES[c].decimals} decimals below 1e${CURRENCY_RULES[c].maxIntegerDigits}`).join(', ')}.`,
);

/**
 * An amount as P100 sends it: a JSON number or a decimal string, normalised to a decimal string.
 * Numbers are printed through their shortest round-trip form, never through arithmetic.
 */
export const upstreamAmount = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === 'number' ? numberToDecimalString(v) : v))
  .pipe(z.string().describe('A decimal string ("10.50").'));

export const cryptoCurrency = caseInsensitiveEnum(CRYPTO_CURRENCIES).describe('A crypto currency slug, lower or upper case (`btc`, `BTC`).');
export const currency = caseInsensitiveEnum(CURRENCIES).describe('A currency slug, lower or upper case (`eur`, `EUR`).');
export const fiatCurrency = caseInsensitiveEnum(['eur']).describe('The fiat currency: `eur` (or `EUR`).');
export const NETWORKS = ['ethereum', 'polygon', 'bitcoin', 'litecoin', 'dogecoin'] as const;
export const network = caseInsensitiveEnum(NETWORKS);

/** A currency slug as P100 sends it, lower-cased. */
export const upstreamCurrency = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.string().describe('A currency slug in lower case (`eur`, `btc`, `usdc`).'));

/** Partner-chosen user id: printable, no slashes (it travels in URL paths), 1..128 chars. */
export const externalUserId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'letters, digits and . _ : @ - only, starting with a letter or digit')
  .describe("The partner's own id of the user (1 to 128 characters: letters, digits, `. _ : @ -`, starting with a letter or digit).");

/**
 * Ids P100 issues (uuid in every example; any safe token is accepted since the format is not documented).
 * It travels in P100 URL paths, so it starts with a letter or digit: `.` and `..` (dot segments), separators
 * and control characters can never reach a path (issue 13).
 */
export const p100Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - only, starting with a letter or digit');

/** A P100 id with what it names, for parameter descriptions. */
export const p100IdOf = (what: string) => p100Id.describe(`${what} (1 to 128 characters: letters, digits, \`. _ : -\`, starting with a letter or digit).`);

export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, upper case')
  .describe('ISO 3166-1 alpha-2 country code, upper case (`PL`).');

/** A calendar date that exists (`1990-02-30` and `1990-14-01` are refused): zod's ISO date, a regex that knows month lengths and leap years. */
export const isoDate = z.iso.date('a calendar date YYYY-MM-DD that exists');

/**
 * An e-mail address: dot-separated local part, and a domain of labels that start and end with a letter or
 * digit (RFC 1035) and a top-level label of letters (zod's default allows `a@b-.example.com`).
 */
export const EMAIL_PATTERN = /^[A-Za-z0-9_'+-]+(?:\.[A-Za-z0-9_'+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
export const email = z.email({ pattern: EMAIL_PATTERN, message: 'must be an e-mail address' }).max(254);

/**
 * An IBAN: country, check digits and 10 to 30 letters or digits, single spaces between characters allowed,
 * any case; sent to P100 upper case without spaces. The mod-97 check is left to P100 (ASSUMPTIONS G8).
 */
export const iban = z
  .string()
  .max(64)
  .regex(/^[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){10,30}$/, 'must be an IBAN')
  .describe('An IBAN (`DE89 3704 0044 0532 0130 00`): any case, single spaces allowed; sent upper case without spaces.')
  .transform((s) => s.replace(/ /g, '').toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$/));

/** Upper-cases a status so `completed` and `COMPLETED` read the same (reference contradiction 4). */
export const upstreamStatus = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().describe('A status in upper case.'));
/** Why a withdrawal or transfer FAILED (ASSUMPTIONS F13): `{ errorCode }`, `null` while it has not failed. */
export const failureReason = z
  .looseObject({ errorCode: z.string().optional() })
  .nullable()
  .optional()
  .describe('Why it FAILED (`{ errorCode }`), null otherwise (ASSUMPTIONS F13).');
export const boundedText = (max: number) => z.string().min(1).max(max);
export const emptyObject = z.object({}).strict();

/** `{ message }` answers of P100's PATCH/DELETE calls; anything else passes through. */
export const messageResponse = z
  .looseObject({ message: z.string().optional() })
  .meta({ id: 'Message', description: "P100's acknowledgement (`{ message }`); other fields pass through." });

/**
 * A cross-field rule in one definition: the check the handler runs and the JSON Schema that says the same
 * thing in `openapi.json` (`allOf` entry), or, where JSON Schema cannot say it, a description sentence and a
 * machine-readable `x-p100-rules` entry the property test reads.
 */
export interface CrossFieldRule<T> {
  check: (value: T, ctx: z.RefinementCtx) => void;
  jsonSchema?: Record<string, unknown>;
  /** `x-p100-rules` entry, for rules JSON Schema cannot express. */
  extension?: Record<string, unknown>;
  description?: string;
  minProperties?: number;
}

/** Attaches rules to an object schema: the checks as a refinement, their JSON Schema as metadata. */
export function withRules<S extends z.ZodType>(schema: S, rules: readonly CrossFieldRule<z.output<S>>[], meta: { id?: string; description?: string } = {}): S {
  const keys = 'shape' in schema && schema.shape && typeof schema.shape === 'object' ? Object.keys(schema.shape) : [];
  const allOf = rules.flatMap((r) => (r.jsonSchema ? [closeOver(r.jsonSchema, keys)] : []));
  const extensions = rules.flatMap((r) => (r.extension ? [r.extension] : []));
  const minProperties = Math.max(0, ...rules.map((r) => r.minProperties ?? 0));
  const description = [meta.description, ...rules.map((r) => r.description)].filter(Boolean).join(' ');
  return schema
    .superRefine((v, ctx) => {
      for (const r of rules) r.check(v as z.output<S>, ctx);
    })
    .meta({
      ...(meta.id ? { id: meta.id } : {}),
      ...(description ? { description } : {}),
      ...(allOf.length ? { allOf } : {}),
      ...(minProperties ? { minProperties } : {}),
      ...(extensions.length ? { 'x-p100-rules': extensions } : {}),
    }) as S;
}

type Obj = Record<string, unknown>;

/**
 * Lists every property of the object (as `true`) in each subschema of a rule that names some. Standard
 * JSON Schema needs no such thing, but validators that read each subschema as closed (Redocly's example
 * check treats every object subschema as `unevaluatedProperties: false`) would otherwise see the
 * siblings of `amount` in `then: { properties: { amount } }` as unknown; listing them changes nothing else.
 */
function closeOver(v: unknown, keys: readonly string[]): unknown {
  if (Array.isArray(v)) return v.map((x) => closeOver(x, keys));
  if (v === null || typeof v !== 'object') return v;
  const o = Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, k === 'properties' ? x : closeOver(x, keys)]));
  if (keys.length && ('properties' in o || 'required' in o)) {
    const props = (o.properties ?? {}) as Obj;
    o.properties = { ...Object.fromEntries(keys.map((k) => [k, true])), ...props };
  }
  return o;
}
const isString = (v: unknown): v is string => typeof v === 'string';

/** The amount field is within the precision and bound of the currency field's currency (ASSUMPTIONS G10). */
export function amountInCurrency(amountField: string, currencyField: string, currencies: readonly Currency[] = CURRENCIES): CrossFieldRule<Obj> {
  const byPattern = new Map<string, Currency[]>();
  for (const c of currencies) {
    const p = amountPattern(CURRENCY_RULES[c]);
    byPattern.set(p, [...(byPattern.get(p) ?? []), c]);
  }
  return {
    check: (v, ctx) => {
      const c = v[currencyField];
      const a = v[amountField];
      if (!isString(c) || !isString(a) || !(c in CURRENCY_RULES)) return;
      const rule = CURRENCY_RULES[c as Currency];
      if (!new RegExp(amountPattern(rule)).test(a))
        ctx.addIssue({ code: 'custom', path: [amountField], message: `a ${c} amount must be ${describeRule(rule)}` });
    },
    jsonSchema: {
      allOf: [...byPattern].map(([pattern, cs]) => ({
        if: { properties: { [currencyField]: { enum: spellings(cs) } }, required: [currencyField] },
        // biome-ignore lint/suspicious/noThenProperty: `then` is JSON Schema's if/then keyword, not a thenable
        then: { properties: { [amountField]: { pattern } } },
      })),
    },
    description: `\`${amountField}\` is in \`${currencyField}\`: at most as many decimals and integer digits as that currency allows.`,
  };
}

/** Two currency fields name different currencies. */
export function differentCurrencies(a: string, b: string): CrossFieldRule<Obj> {
  return {
    check: (v, ctx) => {
      if (isString(v[a]) && isString(v[b]) && v[a] === v[b]) ctx.addIssue({ code: 'custom', path: [b], message: `${b} must differ from ${a}` });
    },
    jsonSchema: {
      not: { anyOf: CURRENCIES.map((c) => ({ properties: { [a]: { enum: spellings([c]) }, [b]: { enum: spellings([c]) } }, required: [a, b] })) },
    },
    description: `\`${b}\` must differ from \`${a}\`.`,
  };
}

const MULTI_NETWORK = ['usdc', 'usdt'] as const;

/**
 * `network` only for coins on more than one chain (usdc, usdt); every other coin has one network and P100
 * wants `network` omitted (reference part 2 §2, ASSUMPTIONS G2).
 */
export const networkOnlyForMultiNetworkCoins: CrossFieldRule<Obj> = {
  check: (v, ctx) => {
    if (v.network !== undefined && isString(v.currency) && !(MULTI_NETWORK as readonly string[]).includes(v.currency)) {
      ctx.addIssue({ code: 'custom', path: ['network'], message: `${v.currency} has a single network: omit network` });
    }
  },
  jsonSchema: {
    if: { properties: { currency: { not: { enum: spellings(MULTI_NETWORK) } } }, required: ['currency'] },
    // biome-ignore lint/suspicious/noThenProperty: `then` is JSON Schema's if/then keyword, not a thenable
    then: { not: { required: ['network'] } },
  },
  description: '`network` is only for usdc and usdt; omit it for every other coin.',
};

/** At least one field is sent (PATCH bodies, travel-rule details). */
export function notEmpty(what: string): CrossFieldRule<Obj> {
  return {
    check: (v, ctx) => {
      if (Object.values(v).every((x) => x === undefined)) ctx.addIssue({ code: 'custom', path: [], message: `${what} must not be empty` });
    },
    minProperties: 1,
  };
}

/**
 * Each `[small, large]` pair of decimal strings has small ≤ large. JSON Schema cannot compare two values, so
 * the rule is said in the description and as `x-p100-rules: [{ lessOrEqual: [[small, large], ...] }]`.
 */
export function lessOrEqual(pairs: readonly (readonly [string, string])[], toUnits: (s: unknown) => bigint | undefined): CrossFieldRule<Obj> {
  return {
    check: (v, ctx) => {
      for (const [small, large] of pairs) {
        const s = toUnits(v[small]);
        const l = toUnits(v[large]);
        if (s !== undefined && l !== undefined && s > l) ctx.addIssue({ code: 'custom', path: [small], message: `must not exceed ${large}` });
      }
    },
    extension: { lessOrEqual: pairs.map((p) => [...p]) },
    description: `${pairs.map(([s, l]) => `\`${s}\` ≤ \`${l}\``).join(', ')}.`,
  };
}

const networkConfig = z.record(
  z.string(),
  z.looseObject({
    mainnet: z.boolean().optional(),
    name: z.string().optional(),
    withdrawal: z.looseObject({ feeWithdrawal: upstreamAmount.optional(), minWithdrawal: upstreamAmount.optional() }).optional(),
    deposit: z.looseObject({ minDeposit: upstreamAmount.optional() }).optional(),
  }),
);

export const balance = z
  .looseObject({
    id: z.string(),
    amount: upstreamAmount,
    name: upstreamCurrency,
    rate: upstreamAmount.optional(),
    iban: z.string().nullable().optional(),
    wallet: z.string().nullable().optional(),
    status: upstreamStatus.optional(),
    networkConfig: networkConfig.optional(),
  })
  .meta({ id: 'Balance', description: 'One balance: `name` is the currency slug, `amount` a decimal string, `rate` the value of one unit in EUR.' });

export const balances = z
  .looseObject({
    fiatBalances: z.array(balance).optional(),
    cryptoBalances: z.array(balance).optional(),
    balances: z.array(balance).optional(),
  })
  .meta({ id: 'Balances', description: 'Fiat balances (with IBAN once verified) and crypto balances (with deposit wallets).' });

/** One entry of P100 transaction history (ASSUMPTIONS A8). */
export const historyEntry = z
  .looseObject({
    id: z.string(),
    type: upstreamStatus,
    status: upstreamStatus,
    amount: upstreamAmount,
    currency: upstreamCurrency,
    externalUserId: z.string().nullable().optional(),
    referenceId: z.string().nullable().optional(),
    direction: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string().optional(),
  })
  .meta({ id: 'Transaction', description: 'One entry of transaction history (ASSUMPTIONS A8).' });

export const historyPage = z
  .looseObject({
    transactions: z.array(historyEntry),
    page: z.number().int().optional(),
    pageSize: z.number().int().optional(),
    totalItems: z.number().int().optional(),
    totalPages: z.number().int().optional(),
  })
  .meta({ id: 'TransactionPage', description: 'One page of transaction history, oldest first.' });

export const historyQuery = z
  .object({
    page: z.coerce.number().int().min(1).max(1_000_000).optional().describe('Page number, from 1.'),
    pageSize: z.coerce.number().int().min(1).max(100).optional().describe('Entries per page (default 50).'),
    from: z.iso.datetime({ offset: true }).optional().describe('Only entries created at or after this instant (ISO 8601 with offset).'),
    to: z.iso.datetime({ offset: true }).optional().describe('Only entries created before this instant (ISO 8601 with offset).'),
  })
  .strict();

export const userPathParams = z.object({ externalUserId }).strict();
