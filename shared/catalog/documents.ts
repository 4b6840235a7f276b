import * as z from 'zod';
import { DOCUMENT_CONTENT_TYPES, MAX_FILE_BYTES, MAX_POA_FILES } from '../documents/files.js';
import { defineOperation } from './types.js';
import { caseInsensitiveEnum, userPathParams } from './schemas.js';

/**
 * KYC and POA documents (ARCHITECTURE.md "Infrastructure": presigned uploads, since API Gateway and Lambda
 * cap bodies far below 3 × 5 MB). The files travel caller → S3 → our function → P100; implementations in
 * shared/documents/.
 */

const uploadId = z.uuid();

/** A plain file name for the caller's bookkeeping: no path, no control characters. */
const fileName = z
  .string()
  .min(1)
  .max(200)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is what this pattern is for
  .regex(/^[^/\\\u0000-\u001f\u007f]+$/, 'a file name without path separators or control characters');

const uploadUrlBody = z
  .object({
    purpose: z.enum(['KYC', 'POA']),
    fileName,
    contentType: caseInsensitiveEnum(DOCUMENT_CONTENT_TYPES).describe('The media type of the file, lower or upper case.'),
    size: z.number().int().min(1).max(MAX_FILE_BYTES, `at most ${MAX_FILE_BYTES} bytes (5 MB)`),
  })
  .strict();

export const createUploadUrl = defineOperation({
  operationId: 'createUploadUrl',
  area: 'users',
  summary: 'A presigned URL (15 min) to PUT one KYC or POA document (JPEG, PNG or PDF, at most 5 MB) into the encrypted upload bucket.',
  route: { method: 'POST', path: '/users/{externalUserId}/uploads' },
  upstream: null,
  kind: 'write',
  confidence: 'local',
  request: { params: userPathParams, body: uploadUrlBody },
  response: z.object({
    uploadId,
    key: z.string(),
    purpose: z.enum(['KYC', 'POA']),
    fileName: z.string(),
    url: z.url(),
    method: z.literal('PUT'),
    headers: z.record(z.string(), z.string()),
    expiresAt: z.iso.datetime(),
    maxBytes: z.number().int(),
  }),
  successStatus: 201,
  redact: ['url'],
  // Presigns a PUT into the upload bucket; never calls P100.
  resources: { upload: 'put' },
  impl: 'documents/uploads.ts#createUploadUrlImpl',
});

/** P100's answer to a document upload: `{ message }` on 201, or the P211 info code on 202 (POA pending). */
const documentAccepted = z.looseObject({ message: z.string().optional(), infoCode: z.string().optional() });

export const addKycFile = defineOperation({
  operationId: 'addKycFile',
  area: 'users',
  summary: 'Send one uploaded identity document (front, back or selfie) to P100; the result arrives by the KYC File Added webhook.',
  route: { method: 'POST', path: '/users/{externalUserId}/kyc-files' },
  upstream: { method: 'POST', path: '/v1/user/kyc-files/{externalUserId}', assumption: 'U3, C1', body: 'multipart' },
  kind: 'write',
  confidence: 'M',
  request: { params: userPathParams, body: z.object({ uploadId, fileType: z.enum(['DOCUMENT_FRONT', 'DOCUMENT_BACK', 'SELFIE']) }).strict() },
  response: documentAccepted,
  successStatus: 201,
  redact: ['files'],
  userLedger: { externalUserId: 'params.externalUserId', facts: { kycFilesSubmitted: true } },
  // Reads the uploaded document back from the upload bucket and forwards it as multipart.
  resources: { upload: 'get' },
  impl: 'documents/uploads.ts#addKycFileImpl',
});

export const addPoaFile = defineOperation({
  operationId: 'addPoaFile',
  area: 'users',
  summary: 'Send 1 to 3 uploaded proof-of-address documents to P100 in one request; 202 with P211 while a review is pending.',
  route: { method: 'POST', path: '/users/{externalUserId}/poa-files' },
  upstream: { method: 'POST', path: '/v1/user/poa-files/{externalUserId}', assumption: 'U4', body: 'multipart' },
  kind: 'write',
  confidence: 'H',
  request: {
    params: userPathParams,
    body: z
      .object({
        uploadIds: z
          .array(uploadId)
          .min(1)
          .max(MAX_POA_FILES, `at most ${MAX_POA_FILES} files`)
          .refine((ids) => new Set(ids).size === ids.length, 'each upload at most once')
          // The refinement above is JSON Schema's `uniqueItems`: said here so the document carries it.
          .meta({ uniqueItems: true, description: '1 to 3 uploadIds of POA uploads, each at most once.' }),
      })
      .strict(),
  },
  response: documentAccepted,
  successStatus: 201,
  redact: ['files'],
  userLedger: { externalUserId: 'params.externalUserId', facts: { poaSubmitted: true } },
  // Reads the uploaded documents back from the upload bucket and forwards them as multipart.
  resources: { upload: 'get' },
  impl: 'documents/uploads.ts#addPoaFileImpl',
});
