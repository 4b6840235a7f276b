import * as z from 'zod';
import { pathIntoBody } from './mapping.js';
import { defineOperation } from './types.js';
import {
  amountOf,
  boundedText,
  type CrossFieldRule,
  fiatCurrency,
  iban,
  p100IdOf,
  upstreamAmount,
  upstreamCurrency,
  upstreamStatus,
  userPathParams,
  withRules,
} from './schemas.js';

/** EUR has two decimals (reference part 1 §1.5): more is a caller error, caught before P100 sees it. */
export const eurAmount = amountOf('eur');

const RECEIVER_FIELDS = ['receiverType', 'receiverFirstName', 'receiverLastName', 'companyName'] as const;

/**
 * A SEPA payout (reference part 1 §2.6, part 2 §5). Level 1 (closed loop, the default): amount, currency,
 * destinationIban, transferTitle only. Level 2 (legacy partners) adds the receiver; when any receiver field is
 * sent the set must be complete and consistent (ASSUMPTIONS G1). A level-1 partner sending them is refused by
 * P100 (P403), not by us: the level is fixed per partner at P100, not known here.
 */
/**
 * The level-2 receiver set (ASSUMPTIONS G1), one definition for the check and its JSON Schema: a receiver
 * field needs `receiverType`; NATURAL needs both names and no company; LEGAL a company and no names.
 */
const receiverRule: CrossFieldRule<Record<string, unknown>> = {
  check: (b, ctx) => {
    const sent = RECEIVER_FIELDS.filter((f) => b[f] !== undefined);
    if (sent.length === 0) return;
    if (b.receiverType !== 'NATURAL' && b.receiverType !== 'LEGAL') {
      ctx.addIssue({ code: 'custom', path: ['receiverType'], message: 'required when receiver fields are sent (SEPA level 2)' });
      return;
    }
    const need = b.receiverType === 'NATURAL' ? (['receiverFirstName', 'receiverLastName'] as const) : (['companyName'] as const);
    const forbid = b.receiverType === 'NATURAL' ? (['companyName'] as const) : (['receiverFirstName', 'receiverLastName'] as const);
    for (const f of need) if (b[f] === undefined) ctx.addIssue({ code: 'custom', path: [f], message: `required for receiverType ${b.receiverType}` });
    for (const f of forbid) if (b[f] !== undefined) ctx.addIssue({ code: 'custom', path: [f], message: `not allowed for receiverType ${b.receiverType}` });
  },
  jsonSchema: {
    allOf: [
      {
        if: { anyOf: [{ required: ['receiverFirstName'] }, { required: ['receiverLastName'] }, { required: ['companyName'] }] },
        // biome-ignore lint/suspicious/noThenProperty: `then` is JSON Schema's if/then keyword, not a thenable
        then: { required: ['receiverType'] },
      },
      {
        if: { properties: { receiverType: { const: 'NATURAL' } }, required: ['receiverType'] },
        // biome-ignore lint/suspicious/noThenProperty: `then` is JSON Schema's if/then keyword, not a thenable
        then: { required: ['receiverFirstName', 'receiverLastName'], not: { required: ['companyName'] } },
      },
      {
        if: { properties: { receiverType: { const: 'LEGAL' } }, required: ['receiverType'] },
        // biome-ignore lint/suspicious/noThenProperty: `then` is JSON Schema's if/then keyword, not a thenable
        then: { required: ['companyName'], not: { anyOf: [{ required: ['receiverFirstName'] }, { required: ['receiverLastName'] }] } },
      },
    ],
  },
  description:
    'Level 2 only: `receiverType` with the receiver; NATURAL needs `receiverFirstName` and `receiverLastName` (no `companyName`), LEGAL needs `companyName` (no names).',
};

export const sepaTransferBody = withRules(
  z
    .object({
      amount: eurAmount,
      currency: fiatCurrency,
      destinationIban: iban,
      /** SEPA remittance information is at most 140 characters. */
      transferTitle: boundedText(140),
      receiverType: z.enum(['NATURAL', 'LEGAL']).optional(),
      receiverFirstName: boundedText(100).optional(),
      receiverLastName: boundedText(100).optional(),
      companyName: boundedText(200).optional(),
    })
    .strict(),
  [receiverRule],
  { id: 'SepaTransferRequest', description: 'A SEPA payout in EUR.' },
);

export const sepaTransferCreated = z
  .looseObject({ transferId: z.string() })
  .meta({ id: 'SepaTransferCreated', description: 'The SEPA transfer was accepted; follow it with getSepaTransfer.' });

/** Get SEPA Transfer Details (reference part 1 §2.7, [H]); the user block appears on user transfers. */
export const sepaTransferDetails = z
  .looseObject({
    id: z.string(),
    type: z.string().optional(),
    amount: upstreamAmount,
    currency: upstreamCurrency.optional(),
    fee: upstreamAmount.optional(),
    transferTitle: z.string().optional(),
    destinationIban: z.string().optional(),
    receiverFirstName: z.string().nullable().optional(),
    receiverLastName: z.string().nullable().optional(),
    status: upstreamStatus,
    createdAt: z.string().optional(),
    user: z.looseObject({ externalUserId: z.string().optional() }).optional(),
  })
  .meta({ id: 'SepaTransfer', description: 'A SEPA transfer (user or partner): amount, fee, destination, status.' });

export const sepaTransferPathParams = z.object({ transferId: p100IdOf('The `transferId` a SEPA transfer returned') }).strict();

/** Get SEPA Deposit Info (reference part 2 §5): where and with which reference to send a SEPA deposit. */
export const sepaDepositInfo = z
  .looseObject({
    title: z.string(),
    iban: z.string(),
    swift: z.string().optional(),
    accountHolder: z.string().optional(),
    address: z.string().optional(),
  })
  .meta({ id: 'SepaDepositInfo', description: 'Where to send a SEPA deposit: IBAN and the reference (`title`) that routes it.' });

/** Fields of SEPA bodies and answers never logged: IBANs, and the identity data P100 echoes in `user`. */
export const SEPA_REDACT = ['iban', 'destinationIban', 'documentNumber', 'pesel', 'birthDate'] as const;

export const getUserSepaDepositInfo = defineOperation({
  operationId: 'getUserSepaDepositInfo',
  area: 'sepa',
  summary: "The IBAN and the user's unique reference for SEPA deposits to that user (KYC users only).",
  route: { method: 'GET', path: '/users/{externalUserId}/sepa-deposit-info' },
  upstream: { method: 'GET', path: '/v1/user/sepa-deposit/info/{externalUserId}', assumption: 'U12, C14' },
  kind: 'read',
  confidence: 'L',
  request: { params: userPathParams },
  response: sepaDepositInfo,
  redact: ['iban'],
});

export const createSepaTransfer = defineOperation({
  operationId: 'createSepaTransfer',
  area: 'sepa',
  summary: "Pay out EUR from a user's balance by SEPA. Level 1: only to the user's own whitelisted IBAN. Settles asynchronously.",
  route: { method: 'POST', path: '/users/{externalUserId}/sepa-transfers' },
  upstream: { method: 'POST', path: '/v1/sepa-transfer', assumption: 'S1, C11' },
  kind: 'money',
  confidence: 'H',
  request: { params: userPathParams, body: sepaTransferBody },
  response: sepaTransferCreated,
  successStatus: 202,
  redact: SEPA_REDACT,
  ledger: { type: 'SEPA_TRANSFER', idField: 'transferId', externalUserId: 'params.externalUserId', amount: 'body.amount', currency: 'body.currency' },
  toUpstream: pathIntoBody({ externalUserId: 'sourceExternalUserId' }),
  links: [
    {
      name: 'GetSepaTransfer',
      operationId: 'getSepaTransfer',
      parameters: { transferId: '$response.body#/transferId' },
      description: 'The SEPA transfer, until it settles.',
    },
  ],
});

export const getSepaTransfer = defineOperation({
  operationId: 'getSepaTransfer',
  area: 'sepa',
  summary: 'Status and details of a SEPA transfer (user or partner).',
  route: { method: 'GET', path: '/sepa-transfers/{transferId}' },
  upstream: { method: 'GET', path: '/v1/sepa-transfer/details/{transferId}', assumption: 'P7' },
  kind: 'read',
  confidence: 'H',
  request: { params: sepaTransferPathParams },
  response: sepaTransferDetails,
  redact: SEPA_REDACT,
});
