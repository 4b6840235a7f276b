import * as z from 'zod';
import { pathParam } from './mapping.js';
import { defineOperation } from './types.js';
import {
  amountInCurrency,
  currency,
  decimalAmount,
  failureReason,
  p100IdOf,
  upstreamAmount,
  upstreamCurrency,
  upstreamStatus,
  userPathParams,
  withRules,
} from './schemas.js';

/**
 * Internal transfers between the partner's master balance and one user (reference part 2 §3). P100 tells
 * the direction by which user field is set; we ask for it by name (the FAQ's Funding / Collection), so a
 * request can never name both sides or neither (P424), and the user is always the path's (ASSUMPTIONS G3).
 */
const transferBody = withRules(
  z
    .object({
      /** FUNDING: partner → user. COLLECTION: user → partner (the partner's fees, for instance). */
      direction: z.enum(['FUNDING', 'COLLECTION']).describe('`FUNDING`: partner → user. `COLLECTION`: user → partner.'),
      amount: decimalAmount,
      currency,
    })
    .strict(),
  [amountInCurrency('amount', 'currency')],
  { id: 'TransferRequest', description: "A transfer between the partner's balance and the user's." },
);

export const transferDetails = z
  .looseObject({
    id: z.string(),
    sourceExternalUserId: z.string().nullable().optional(),
    destinationExternalUserId: z.string().nullable().optional(),
    sourceEmail: z.string().nullable().optional(),
    destinationEmail: z.string().nullable().optional(),
    amount: upstreamAmount,
    currency: upstreamCurrency,
    status: upstreamStatus,
    createdAt: z.string().optional(),
    error: failureReason,
  })
  .meta({ id: 'Transfer', description: 'An internal transfer: the two sides, amount, currency and status.' });

export const createTransfer = defineOperation({
  operationId: 'createTransfer',
  area: 'transfers',
  summary: "Move funds between the partner's balance and a user's (FUNDING to the user, COLLECTION from the user). Settles asynchronously.",
  route: { method: 'POST', path: '/users/{externalUserId}/transfers' },
  upstream: { method: 'POST', path: '/v1/transfer', assumption: 'T1, C10' },
  kind: 'money',
  confidence: 'M',
  request: { params: userPathParams, body: transferBody },
  response: z.looseObject({ transferId: z.string() }).meta({ id: 'TransferCreated', description: 'The transfer was accepted; follow it with getTransfer.' }),
  successStatus: 202,
  redact: [],
  ledger: { type: 'TRANSFER', idField: 'transferId', externalUserId: 'params.externalUserId', amount: 'body.amount', currency: 'body.currency' },
  toUpstream: ({ params, body }) => {
    const b = body as z.output<typeof transferBody>;
    const user = pathParam(params, 'externalUserId');
    const side = b.direction === 'FUNDING' ? { destinationExternalUserId: user } : { sourceExternalUserId: user };
    return { body: { ...side, amount: b.amount, currency: b.currency } };
  },
  links: [
    {
      name: 'GetTransfer',
      operationId: 'getTransfer',
      parameters: { transferId: '$response.body#/transferId' },
      description: 'The transfer, until it settles.',
    },
  ],
});

export const getTransfer = defineOperation({
  operationId: 'getTransfer',
  area: 'transfers',
  summary: 'Status and details of an internal transfer.',
  route: { method: 'GET', path: '/transfers/{transferId}' },
  upstream: { method: 'GET', path: '/v1/transfer/details/{transferId}', assumption: 'T2, C10' },
  kind: 'read',
  confidence: 'M',
  request: { params: z.object({ transferId: p100IdOf('The `transferId` createTransfer returned') }).strict() },
  response: transferDetails,
  redact: ['sourceEmail', 'destinationEmail'],
});
