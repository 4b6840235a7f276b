/**
 * Fuzz tests of the document check: the suite never parses multipart from callers (files arrive by presigned
 * S3 PUT, see shared/documents/uploads.ts), but it does read those caller-supplied bytes back and decide from
 * their first bytes, size and declared type whether to forward them to P100 as multipart. Through the public
 * addKycFile handler: any upload gets 201 or a 4xx problem+json, never a 5xx; P100 sees a file only when the
 * bytes are what their content type says, and then exactly those bytes under `<uploadId>.<ext>`.
 *
 * S3, DynamoDB (the user ledger) and P100 are in-memory doubles installed through the suite's seams.
 * Seeded (a failure reproduces) and bounded (a second or two on the 2-core CI machine).
 */
import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOperation } from '../../shared/catalog/index.js';
import { addKycFileImpl, setS3Client } from '../../shared/documents/index.js';
import { operationHandler } from '../../shared/http/index.js';
import { setP100Client } from '../../shared/p100/index.js';
import type { P100Client, P100Request } from '../../shared/p100/index.js';
import { setDocumentClient } from '../../shared/store/index.js';
import { lambdaContext, v2Event } from '../support/events.js';

const SEED = 1414;

type Res = { statusCode: number; headers?: Record<string, string>; body?: string };
interface Upload {
  bytes: Uint8Array;
  contentType: string | undefined;
  purpose: string | undefined;
}

const uploads = new Map<string, Upload>();
const fakeS3 = {
  send: async (command: { input: { Key: string } }) => {
    const u = uploads.get(command.input.Key);
    if (!u) throw Object.assign(new Error('no such key'), { name: 'NoSuchKey' });
    return {
      ContentLength: u.bytes.byteLength,
      ...(u.contentType === undefined ? {} : { ContentType: u.contentType }),
      ...(u.purpose === undefined ? {} : { Metadata: { purpose: u.purpose } }),
      Body: { transformToByteArray: async () => u.bytes, destroy: () => undefined },
    };
  },
};
const calls: P100Request[] = [];
const client = {
  call: async (r: P100Request) => {
    calls.push(r);
    return { status: 201, body: {}, attempts: 1 };
  },
} as unknown as P100Client;

beforeAll(() => {
  process.env.P100_API_KEY_SECRET_ID = '';
  process.env.UPLOAD_BUCKET = 'uploads';
  process.env.LEDGER_TABLE = 'ledger';
  setS3Client(fakeS3 as unknown as S3Client);
  setP100Client(client);
  // The user ledger records a fact after a successful upload; the answer does not depend on it.
  setDocumentClient({ send: async () => ({}) } as unknown as Parameters<typeof setDocumentClient>[0]);
});
afterAll(() => {
  setS3Client(undefined);
  setP100Client(undefined);
  setDocumentClient(undefined);
});

const addKycFile = operationHandler(getOperation('addKycFile'), { impl: addKycFileImpl });

const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d];

/** File contents: random bytes, or random bytes behind a real (or nearly real) signature. */
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc
    .tuple(fc.constantFrom(JPEG, PNG, PDF, JPEG.slice(0, 2), PNG.slice(0, 7)), fc.uint8Array({ maxLength: 64 }))
    .map(([sig, rest]) => Uint8Array.from([...sig, ...rest])),
);
const contentType = fc.oneof(
  fc.constantFrom(undefined, 'image/jpeg', 'image/jpg', 'image/png', 'application/pdf', 'IMAGE/PNG; charset=binary', 'text/html', '', 'image/jpeg;'),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const purpose = fc.constantFrom(undefined, 'KYC', 'POA', 'kyc');

describe('uploaded document check (fuzz)', () => {
  it('any upload: 201 with exactly its bytes sent to P100, or a 4xx problem+json and nothing sent', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(bytes, contentType, purpose, async (content, type, purp) => {
        const uploadId = randomUUID();
        uploads.set(`uploads/u-fuzz/${uploadId}`, { bytes: content, contentType: type, purpose: purp });
        const before = calls.length;
        const res = (await addKycFile(
          v2Event({ method: 'POST', path: '/users/u-fuzz/kyc-files', pathParameters: { externalUserId: 'u-fuzz' }, body: { uploadId, fileType: 'SELFIE' } }),
          lambdaContext(),
        )) as Res;
        if (res.statusCode !== 201) {
          expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
          expect(res.statusCode, res.body).toBeLessThan(500);
          expect(res.headers?.['content-type']).toBe('application/problem+json');
          expect(calls.length).toBe(before);
          refused++;
          return;
        }
        accepted++;
        expect(calls.length).toBe(before + 1);
        const files = calls.at(-1)?.multipart?.getAll('files') ?? [];
        expect(files).toHaveLength(1);
        const file = files[0] as File;
        expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(content))).toBe(true);
        expect(file.name).toMatch(new RegExp(`^${uploadId}\\.(jpg|png|pdf)$`));
        // Forwarded only when the bytes carry the signature of the declared type.
        const signature = { 'image/jpeg': JPEG, 'image/jpg': JPEG, 'image/png': PNG, 'application/pdf': PDF }[file.type];
        expect(signature, file.type).toBeDefined();
        expect([...content.slice(0, signature?.length ?? 0)]).toEqual(signature);
      }),
      { seed: SEED, numRuns: 200 },
    );
    // Both outcomes were exercised, so neither half of the property held vacuously.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
