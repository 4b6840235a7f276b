import * as z from 'zod';
import { pathIntoBody } from './mapping.js';
import { defineOperation } from './types.js';
import { upstreamStatus, userPathParams } from './schemas.js';

/** KYC by P100 (reference part 1 §5, ASSUMPTIONS K1–K3, C7): create, send the user to the hosted flow, read the result. */

export const createKycVerification = defineOperation({
  operationId: 'createKycVerification',
  area: 'kyc',
  summary: 'Start a P100-hosted KYC verification for a KYC user (charged by P100). One open verification per user.',
  route: { method: 'POST', path: '/users/{externalUserId}/kyc-verification' },
  upstream: { method: 'POST', path: '/v1/kyc', assumption: 'K1, C7' },
  kind: 'write',
  confidence: 'M',
  request: { params: userPathParams },
  response: z.looseObject({ verificationId: z.string(), status: upstreamStatus.optional() }),
  successStatus: 201,
  redact: [],
  userLedger: { externalUserId: 'params.externalUserId', facts: { kycVerificationRequested: true } },
  toUpstream: pathIntoBody({ externalUserId: 'externalUserId' }),
  links: [
    {
      name: 'GetKycStatus',
      operationId: 'getKycStatus',
      parameters: { externalUserId: '$request.path.externalUserId' },
      description: 'The status of this verification.',
    },
  ],
});

export const getKycVerificationRedirect = defineOperation({
  operationId: 'getKycVerificationRedirect',
  area: 'kyc',
  summary: 'The URL of the hosted verification to send the user to (short-lived).',
  route: { method: 'GET', path: '/users/{externalUserId}/kyc-verification/redirect' },
  upstream: { method: 'GET', path: '/v1/kyc/redirect/{externalUserId}', assumption: 'K2, C7' },
  kind: 'read',
  confidence: 'L',
  request: { params: userPathParams },
  response: z.looseObject({ redirectUrl: z.string(), expiresAt: z.string().optional() }),
  redact: [],
});

export const getKycStatus = defineOperation({
  operationId: 'getKycStatus',
  area: 'kyc',
  summary: "Status of the user's P100-hosted KYC verification: CREATED, PENDING, APPROVED or REJECTED.",
  route: { method: 'GET', path: '/users/{externalUserId}/kyc-verification' },
  upstream: { method: 'GET', path: '/v1/kyc/status/{externalUserId}', assumption: 'K3, C7' },
  kind: 'read',
  confidence: 'L',
  request: { params: userPathParams },
  response: z.looseObject({ externalUserId: z.string().optional(), verificationId: z.string().optional(), status: upstreamStatus }),
  redact: [],
});
