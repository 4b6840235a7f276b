import { z } from 'zod';
import { defineOperation } from './types.js';
import { balances, boundedText, countryCode, externalUserId, isoDate, userPathParams } from './schemas.js';

const documentType = z.enum(['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT']);

/**
 * Create-user body: both documented revisions are accepted (reference contradiction 9):
 * Rev B (`address`, `documentType`, `documentNumber`) and Rev C (`street`, `number`, `nationality`,
 * `birthCountry`, `birthDate`, `userIdentificationNumber`, `hasAcceptedP100Tc`).
 */
export const createUserBody = z
  .object({
    externalUserId,
    email: z.email().max(254).optional(),
    phone: z.string().regex(/^\d{6,15}$/, 'digits with country prefix, no +').optional(),
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
    birthDate: isoDate.optional(),
    documentType: documentType.optional(),
    documentNumber: boundedText(50).optional(),
    userIdentificationNumber: boundedText(50).optional(),
    hasAcceptedP100Tc: z.literal(true, 'must be true: the user must accept P100 terms').optional(),
  })
  .strict();

export const createUser = defineOperation({
  operationId: 'createUser',
  area: 'users',
  summary: 'Create a user of the KYC model (crypto and EUR balances; IBAN after verification).',
  route: { method: 'POST', path: '/users' },
  upstream: { method: 'POST', path: '/v1/user/balances/crypto-and-fiat' },
  kind: 'write',
  confidence: 'H',
  request: { body: createUserBody },
  response: z.looseObject({
    userId: z.string(),
    poaRequired: z.boolean().optional(),
    poaRequiredForExtended: z.boolean().optional(),
    balances: balances.optional(),
  }),
  successStatus: 201,
  redact: ['documentNumber', 'userIdentificationNumber', 'iban'],
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
  response: balances.extend({ userId: z.string().optional(), poaRequired: z.boolean().optional() }),
  redact: ['iban'],
});
