import * as z from 'zod';
import { pathIntoBody } from './mapping.js';
import { defineOperation } from './types.js';
import {
  balance,
  balances,
  boundedText,
  countryCode,
  email,
  externalUserId,
  historyPage,
  historyQuery,
  isoDate,
  messageResponse,
  notEmpty,
  upstreamStatus,
  userPathParams,
  withRules,
} from './schemas.js';

const documentType = z.enum(['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT']);

/**
 * Create-user body: both documented revisions are accepted (reference contradiction 9):
 * Rev B (`address`, `documentType`, `documentNumber`) and Rev C (`street`, `number`, `nationality`,
 * `birthCountry`, `birthDate`, `userIdentificationNumber`, `hasAcceptedP100Tc`).
 */
export const createUserBody = z
  .object({
    externalUserId,
    email: email.optional(),
    phone: z
      .string()
      .regex(/^\d{6,15}$/, 'digits with country prefix, no +')
      .optional(),
    firstName: boundedText(100).optional(),
    lastName: boundedText(100).optional(),
    address: boundedText(200).optional(),
    street: boundedText(200).optional(),
    number: boundedText(20).optional(),
    city: boundedText(100).optional(),
    postCode: boundedText(20).optional(),
    country: countryCode.optional(),
    citizenship: countryCode,
    nationality: countryCode.optional(),
    birthCountry: countryCode.optional(),
    birthDate: isoDate.optional().describe('Date of birth, YYYY-MM-DD (a date that exists).'),
    documentType: documentType.optional(),
    documentNumber: boundedText(50).optional(),
    userIdentificationNumber: boundedText(50).optional(),
    hasAcceptedP100Tc: z.literal(true, 'must be true: the user must accept P100 terms').optional(),
  })
  .strict()
  .meta({
    id: 'CreateUserRequest',
    description:
      'A KYC-model user: Rev B (`address`, `documentType`, `documentNumber`) or Rev C (`street`, `number`, `nationality`, `birthCountry`, `birthDate`, `userIdentificationNumber`, `hasAcceptedP100Tc`) fields.',
  });

export const createUser = defineOperation({
  operationId: 'createUser',
  area: 'users',
  summary: 'Create a user of the KYC model (crypto and EUR balances; IBAN after verification).',
  route: { method: 'POST', path: '/users' },
  upstream: { method: 'POST', path: '/v1/user/balances/crypto-and-fiat' },
  kind: 'write',
  confidence: 'H',
  request: { body: createUserBody },
  response: z
    .looseObject({
      userId: z.string(),
      poaRequired: z.boolean().optional(),
      poaRequiredForExtended: z.boolean().optional(),
      balances: balances.optional(),
    })
    .meta({ id: 'User', description: "A user as P100 created it: P100's `userId`, whether proof of address is required, and the balances." }),
  successStatus: 201,
  redact: ['documentNumber', 'userIdentificationNumber', 'iban'],
  userLedger: { externalUserId: 'body.externalUserId', create: { model: 'KYC', userIdField: 'userId' }, facts: { status: 'WAITING_FOR_VERIFICATION' } },
  links: [
    {
      name: 'GetUserBalances',
      operationId: 'getUserBalances',
      parameters: { externalUserId: '$request.body#/externalUserId' },
      description: "The new user's balances.",
    },
  ],
});

export const getUserBalances = defineOperation({
  operationId: 'getUserBalances',
  area: 'users',
  summary: "A user's balances (fiat with IBAN and crypto with deposit wallets).",
  route: { method: 'GET', path: '/users/{externalUserId}/balances' },
  upstream: { method: 'GET', path: '/v1/user/balances/{externalUserId}', assumption: 'U10, C6' },
  kind: 'read',
  confidence: 'M',
  request: { params: userPathParams },
  // `status` and `poaStatus` per ASSUMPTIONS F16 (issue 16: the contract check found them missing here).
  response: balances.extend({
    userId: z.string().optional(),
    poaRequired: z.boolean().optional(),
    status: upstreamStatus.optional(),
    poaStatus: upstreamStatus.optional(),
  }),
  redact: ['iban'],
});

/** Create-user body of the non-KYC model (reference part 1 §4.1): its documented fields only. */
export const createUserWithoutKycBody = z
  .object({
    externalUserId,
    email: email.optional(),
    firstName: boundedText(100).optional(),
    lastName: boundedText(100).optional(),
    address: boundedText(200).optional(),
    city: boundedText(100).optional(),
    country: countryCode.optional(),
    documentType: documentType.optional(),
    documentNumber: boundedText(50).optional(),
    pesel: z
      .string()
      .regex(/^\d{11}$/, '11 digits')
      .optional(),
    birthCountry: countryCode.optional(),
    birthDate: isoDate.optional().describe('Date of birth, YYYY-MM-DD (a date that exists).'),
  })
  .strict()
  .meta({ id: 'CreateUserWithoutKycRequest', description: 'A user of the non-KYC model: the fields of reference part 1 §4.1 only.' });

export const createUserWithoutKyc = defineOperation({
  operationId: 'createUserWithoutKyc',
  area: 'users',
  summary: 'Create a user of the non-KYC model (crypto balances with deposit wallets, no IBAN, no cards).',
  // Not under /users/: `/users/without-kyc` beside `/users/{externalUserId}` made one path mean two things
  // (DELETE /users/without-kyc reached deleteUser). The old route is gone and answers 404 (ASSUMPTIONS G6).
  route: { method: 'POST', path: '/users-without-kyc' },
  upstream: { method: 'POST', path: '/v1/user/balances/crypto', assumption: 'U2' },
  kind: 'write',
  confidence: 'H',
  request: { body: createUserWithoutKycBody },
  response: z
    .looseObject({ userId: z.string(), balances: z.array(balance).optional() })
    .meta({ id: 'UserWithoutKyc', description: "A non-KYC user as P100 created it: P100's `userId` and its crypto balances." }),
  successStatus: 201,
  redact: ['documentNumber', 'pesel', 'birthDate'],
  userLedger: { externalUserId: 'body.externalUserId', create: { model: 'NO_KYC', userIdField: 'userId' }, facts: { status: 'WAITING_FOR_VERIFICATION' } },
  links: [
    {
      name: 'GetUserBalances',
      operationId: 'getUserBalances',
      parameters: { externalUserId: '$request.body#/externalUserId' },
      description: "The new user's balances.",
    },
  ],
});

export const addUserVerification = defineOperation({
  operationId: 'addUserVerification',
  area: 'users',
  summary: "Submit the user's identity-document data once KYC documents are accepted; the user becomes ACTIVE asynchronously.",
  route: { method: 'POST', path: '/users/{externalUserId}/verification' },
  upstream: { method: 'POST', path: '/v1/user/verification', assumption: 'U5, C2' },
  kind: 'write',
  confidence: 'M',
  request: {
    params: userPathParams,
    body: z
      .object({
        documentType,
        documentNumber: boundedText(50),
        documentExpiryDate: isoDate.describe('Expiry date of the document, YYYY-MM-DD (a date that exists).'),
        documentIssuingCountry: countryCode,
      })
      .strict(),
  },
  response: messageResponse,
  // Accepted: activation (IBAN, balances) is announced later by the user-status webhook.
  successStatus: 202,
  redact: ['documentNumber', 'documentExpiryDate'],
  userLedger: { externalUserId: 'params.externalUserId', facts: { verificationSubmitted: true } },
  toUpstream: pathIntoBody({ externalUserId: 'externalUserId' }),
});

export const extendUser = defineOperation({
  operationId: 'extendUser',
  area: 'users',
  summary: 'Upgrade an active KYC user to the extended tier (required for cards).',
  route: { method: 'POST', path: '/users/{externalUserId}/extension' },
  upstream: { method: 'POST', path: '/v1/user/balances/extended', assumption: 'P8, A1, C3' },
  kind: 'write',
  confidence: 'L',
  request: { params: userPathParams },
  response: messageResponse,
  redact: [],
  userLedger: { externalUserId: 'params.externalUserId', facts: { extended: true } },
  toUpstream: pathIntoBody({ externalUserId: 'externalUserId' }),
});

const UPDATABLE = ['email', 'phone', 'firstName', 'lastName', 'address', 'street', 'number', 'city', 'postCode', 'country'] as const;

export const updateUser = defineOperation({
  operationId: 'updateUser',
  area: 'users',
  summary: "Change a user's contact and address data (only the fields sent change).",
  route: { method: 'PATCH', path: '/users/{externalUserId}' },
  upstream: { method: 'PATCH', path: '/v1/user/{externalUserId}', assumption: 'U6, C4' },
  kind: 'write',
  confidence: 'L',
  request: {
    params: userPathParams,
    body: withRules(
      createUserBody
        .pick({
          email: true,
          phone: true,
          firstName: true,
          lastName: true,
          address: true,
          street: true,
          number: true,
          city: true,
          postCode: true,
          country: true,
        })
        .strict(),
      [notEmpty(`the body (send at least one of ${UPDATABLE.join(', ')})`)],
      { id: 'UpdateUserRequest', description: 'The contact and address fields to change; at least one.' },
    ),
  },
  response: messageResponse,
  redact: [],
  userLedger: { externalUserId: 'params.externalUserId' },
});

export const deleteUser = defineOperation({
  operationId: 'deleteUser',
  area: 'users',
  summary: 'Delete a user at P100; the externalUserId is unknown afterwards.',
  route: { method: 'DELETE', path: '/users/{externalUserId}' },
  upstream: { method: 'DELETE', path: '/v1/user/{externalUserId}', assumption: 'U7, C4', body: 'none' },
  kind: 'write',
  confidence: 'L',
  request: { params: userPathParams },
  response: messageResponse,
  redact: [],
  userLedger: { externalUserId: 'params.externalUserId', facts: { status: 'DELETED' } },
});

export const suspendUser = defineOperation({
  operationId: 'suspendUser',
  area: 'users',
  summary: "Suspend a user: money operations are refused (409) until unsuspended; the user's cards are suspended too.",
  route: { method: 'POST', path: '/users/{externalUserId}/suspension' },
  upstream: { method: 'PATCH', path: '/v1/user/suspend/{externalUserId}', assumption: 'U8, C5', body: 'none' },
  kind: 'write',
  confidence: 'L',
  request: { params: userPathParams },
  response: messageResponse,
  redact: [],
  userLedger: { externalUserId: 'params.externalUserId', facts: { status: 'SUSPENDED' } },
});

export const unsuspendUser = defineOperation({
  operationId: 'unsuspendUser',
  area: 'users',
  summary: 'Lift a suspension: the user returns to the status it had before.',
  route: { method: 'DELETE', path: '/users/{externalUserId}/suspension' },
  upstream: { method: 'PATCH', path: '/v1/user/unsuspend/{externalUserId}', assumption: 'U9, C5', body: 'none' },
  kind: 'write',
  confidence: 'L',
  request: { params: userPathParams },
  response: messageResponse,
  redact: [],
  userLedger: { externalUserId: 'params.externalUserId', facts: { status: 'ACTIVE' } },
});

export const getUserTransactions = defineOperation({
  operationId: 'getUserTransactions',
  area: 'users',
  summary: "One page of a user's transaction history, oldest first.",
  route: { method: 'GET', path: '/users/{externalUserId}/transactions' },
  upstream: { method: 'GET', path: '/v1/user/transactions/{externalUserId}', assumption: 'U11, A7, A8' },
  kind: 'read',
  confidence: 'L',
  request: { params: userPathParams, query: historyQuery },
  response: historyPage,
  redact: [],
});
