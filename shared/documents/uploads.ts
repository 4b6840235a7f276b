import { randomUUID } from 'node:crypto';
import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { ENV, readEnv, requireEnv } from '../config/env.js';
import type { OperationImpl } from '../http/operation-impl.js';
import { HttpProblem, validationProblem, type FieldProblem } from '../http/problem.js';
import { fillPath, resolveUpstream } from '../p100/upstream.js';
import { checkDocument, EXTENSION, MAX_FILE_BYTES, type DocumentFormat } from './files.js';

/**
 * KYC and POA documents. API Gateway and Lambda cap request bodies far below 3 files of 5 MB, so the
 * caller uploads each file straight to the encrypted upload bucket with a presigned PUT URL
 * (createUploadUrl), then names the uploads in addKycFile / addPoaFile; those read the objects back,
 * check them, and forward them to P100 as multipart/form-data.
 *
 * The S3 SDK is imported lazily: these modules are in the shared layer barrel, and the other ~50
 * functions should not pay for loading it at cold start.
 */

/** Presigned URLs live 15 minutes. */
export const UPLOAD_URL_TTL_SECONDS = 15 * 60;

export type UploadPurpose = 'KYC' | 'POA';

/** Object key of an upload: the user is part of the key, so one user cannot name another's upload. */
export const uploadKey = (externalUserId: string, uploadId: string): string => `uploads/${externalUserId}/${uploadId}`;

let s3: Promise<S3Client> | undefined;

/**
 * The container's S3 client. Locally AWS_ENDPOINT_URL_S3 points at the stand-in (local/aws/s3.ts), which
 * only understands path-style URLs; in AWS virtual-hosted URLs stay the default. Checksums only when
 * required: SDK-computed checksums in a presigned PUT would be those of an empty body and make S3 reject
 * the caller's upload.
 */
export function s3Client(): Promise<S3Client> {
  s3 ??= import('@aws-sdk/client-s3').then(
    ({ S3Client: Client }) =>
      new Client({
        forcePathStyle: readEnv('AWS_ENDPOINT_URL_S3') !== undefined,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
  );
  return s3;
}

/** Replaces the container's S3 client (tests). */
export function setS3Client(client: S3Client | undefined): void {
  s3 = client ? Promise.resolve(client) : undefined;
}

const bucket = () => requireEnv(ENV.uploadBucket);

interface UploadUrlBody {
  purpose: UploadPurpose;
  fileName: string;
  contentType: string;
  size: number;
}

/**
 * createUploadUrl: a presigned PUT for one document. The content type, the exact length and the purpose
 * (metadata) are signed, so S3 refuses an upload that differs from what was declared here.
 */
export const createUploadUrlImpl: OperationImpl = async (input) => {
  const { externalUserId } = input.params as { externalUserId: string };
  const body = input.body as UploadUrlBody;
  const [{ PutObjectCommand }, { getSignedUrl }, client] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/s3-request-presigner'),
    s3Client(),
  ]);
  const uploadId = randomUUID();
  const key = uploadKey(externalUserId, uploadId);
  const command = new PutObjectCommand({
    Bucket: bucket(),
    Key: key,
    ContentType: body.contentType,
    ContentLength: body.size,
    Metadata: { purpose: body.purpose },
  });
  const url = await getSignedUrl(client, command, { expiresIn: UPLOAD_URL_TTL_SECONDS });
  return {
    status: 201,
    body: {
      uploadId,
      key,
      purpose: body.purpose,
      fileName: body.fileName,
      url,
      method: 'PUT',
      headers: { 'content-type': body.contentType },
      expiresAt: new Date(Date.now() + UPLOAD_URL_TTL_SECONDS * 1000).toISOString(),
      maxBytes: MAX_FILE_BYTES,
    },
  };
};

interface LoadedDocument {
  uploadId: string;
  bytes: Uint8Array;
  contentType: string;
  format: DocumentFormat;
}

type LoadResult = { ok: true; doc: LoadedDocument } | { ok: false; problem: FieldProblem; tooLarge: boolean };

/** Reads one upload back and checks it; a missing, oversized or mistyped file is the caller's problem (4xx). */
async function loadUpload(externalUserId: string, uploadId: string, purpose: UploadPurpose, field: string): Promise<LoadResult> {
  const [{ GetObjectCommand }, client] = await Promise.all([import('@aws-sdk/client-s3'), s3Client()]);
  let out: GetObjectCommandOutput;
  try {
    out = await client.send(new GetObjectCommand({ Bucket: bucket(), Key: uploadKey(externalUserId, uploadId) }));
  } catch (e) {
    if (e instanceof Error && (e.name === 'NoSuchKey' || e.name === 'NotFound')) {
      return { ok: false, tooLarge: false, problem: { in: 'body', field, message: 'no upload with this id for this user (uploads expire after a day)' } };
    }
    throw e;
  }
  const declaredSize = out.ContentLength ?? 0;
  if (declaredSize > MAX_FILE_BYTES) {
    // Do not download what we will refuse anyway.
    (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
    return { ok: false, tooLarge: true, problem: { in: 'body', field, message: `larger than ${MAX_FILE_BYTES} bytes` } };
  }
  if (out.Metadata?.purpose && out.Metadata.purpose !== purpose) {
    (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
    return { ok: false, tooLarge: false, problem: { in: 'body', field, message: `this upload was made for ${out.Metadata.purpose}, not ${purpose}` } };
  }
  const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
  const verdict = checkDocument(out.ContentType, bytes.byteLength, bytes);
  if (!verdict.ok) return { ok: false, tooLarge: verdict.tooLarge, problem: { in: 'body', field, message: verdict.reason } };
  return { ok: true, doc: { uploadId, bytes, contentType: (out.ContentType ?? '').split(';')[0]!.trim().toLowerCase(), format: verdict.format } };
}

/** Loads every upload, then refuses the request if any is bad: nothing is sent unless all pass. */
async function loadAll(
  externalUserId: string,
  uploadIds: readonly string[],
  purpose: UploadPurpose,
  fieldOf: (i: number) => string,
): Promise<LoadedDocument[]> {
  const results = await Promise.all(uploadIds.map((id, i) => loadUpload(externalUserId, id, purpose, fieldOf(i))));
  const bad = results.filter((r): r is Extract<LoadResult, { ok: false }> => !r.ok);
  if (bad.length) {
    if (bad.some((b) => b.tooLarge)) {
      throw new HttpProblem(413, 'file-too-large', 'Document too large', `each file may have at most ${MAX_FILE_BYTES} bytes`, {
        errors: bad.map((b) => b.problem),
      });
    }
    throw validationProblem(bad.map((b) => b.problem));
  }
  return results.map((r) => (r as Extract<LoadResult, { ok: true }>).doc);
}

function appendFile(form: FormData, doc: LoadedDocument): void {
  // P100 gets `<uploadId>.<ext>`, never the caller's file name: names of identity documents carry personal data.
  const copy = new Uint8Array(doc.bytes.byteLength);
  copy.set(doc.bytes);
  form.append('files', new Blob([copy.buffer], { type: doc.contentType }), `${doc.uploadId}.${EXTENSION[doc.format]}`);
}

/** Sends the form to P100 as the catalog entry says; 201 created, or 202 with an info code (P211 POA pending). */
const sendForm =
  (buildForm: (input: Parameters<OperationImpl>[0]) => Promise<FormData>): OperationImpl =>
  async (input, ctx) => {
    const form = await buildForm(input);
    const up = resolveUpstream(ctx.op);
    const res = await ctx.client().call({
      operationId: ctx.op.operationId,
      kind: ctx.op.kind,
      method: up.method,
      path: fillPath(up.path, input.params as Record<string, string>),
      multipart: form,
      deadline: ctx.deadline,
    });
    const parsed = ctx.op.response.safeParse(res.body ?? {});
    const body = {
      ...(parsed.success && typeof parsed.data === 'object' ? (parsed.data as Record<string, unknown>) : {}),
      ...(res.infoCode ? { infoCode: res.infoCode } : {}),
    };
    return {
      status: res.status === 202 ? 202 : (ctx.op.successStatus ?? 201),
      body,
      ...(res.infoCode ? { headers: { 'x-p100-info-code': res.infoCode } } : {}),
    };
  };

/** addKycFile: one identity document (front, back or selfie) per call (ASSUMPTIONS C1). */
export const addKycFileImpl: OperationImpl = sendForm(async ({ params, body }) => {
  const { externalUserId } = params as { externalUserId: string };
  const { uploadId, fileType } = body as { uploadId: string; fileType: string };
  const [doc] = await loadAll(externalUserId, [uploadId], 'KYC', () => 'uploadId');
  const form = new FormData();
  form.append('fileType', fileType);
  appendFile(form, doc!);
  return form;
});

/** addPoaFile: all proof-of-address files in one request, field `files` repeated (reference §3.3). */
export const addPoaFileImpl: OperationImpl = sendForm(async ({ params, body }) => {
  const { externalUserId } = params as { externalUserId: string };
  const { uploadIds } = body as { uploadIds: string[] };
  const docs = await loadAll(externalUserId, uploadIds, 'POA', (i) => `uploadIds.${i}`);
  const form = new FormData();
  for (const d of docs) appendFile(form, d);
  return form;
});
