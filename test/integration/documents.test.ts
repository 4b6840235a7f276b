import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_UPLOAD_BUCKET } from '../../local/suite.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';

/**
 * KYC/POA documents end to end: presigned upload to the S3 stand-in, then addPoaFile / addKycFile read
 * the objects back, check them, and send them to the sandbox as multipart/form-data.
 */

let s: TestSuite;
let user: string;

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2048, 0x20), Buffer.from('\n%%EOF\n')]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(1024, 0x11), Buffer.from([0xff, 0xd9])]);

const poaCalls = async (): Promise<number> =>
  (await s.control<{ routes: Record<string, number> }>('GET', '/_sandbox/stats')).routes['POST /v1/user/poa-files/{externalUserId}'] ?? 0;
const kycCalls = async (): Promise<number> =>
  (await s.control<{ routes: Record<string, number> }>('GET', '/_sandbox/stats')).routes['POST /v1/user/kyc-files/{externalUserId}'] ?? 0;

/** Asks for an upload URL and PUTs the bytes there, as a company app would. */
async function upload(purpose: 'KYC' | 'POA', bytes: Buffer, contentType: string, who = user): Promise<string> {
  const r = await s.call('POST', `/users/${who}/uploads`, { body: { purpose, fileName: 'scan.bin', contentType, size: bytes.byteLength } });
  expect(r.status, r.text).toBe(201);
  const put = await fetch(r.body.url as string, { method: 'PUT', headers: r.body.headers as Record<string, string>, body: bytes });
  expect(put.status, await put.text()).toBe(200);
  return r.body.uploadId as string;
}

/** Puts an object straight into the stand-in bucket (what a caller ignoring the signed length could do). */
async function rawUpload(bytes: Buffer, contentType: string, purpose: string): Promise<string> {
  const id = randomUUID();
  const res = await fetch(`${s.local.s3.endpoint}/${LOCAL_UPLOAD_BUCKET}/uploads/${user}/${id}`, {
    method: 'PUT',
    headers: { 'content-type': contentType, 'x-amz-meta-purpose': purpose },
    body: bytes,
  });
  expect(res.status).toBe(200);
  return id;
}

beforeAll(async () => {
  s = await startTestSuite({ settleDelayMs: 600_000 });
  user = `doc-${randomUUID().slice(0, 8)}`;
  const created = await s.call('POST', '/users', {
    body: { externalUserId: user, citizenship: 'PL', email: `${user}@example.com`, firstName: 'Anna', lastName: 'Nowak' },
  });
  expect(created.status, created.text).toBe(201);
});

afterAll(async () => {
  await s?.close();
});

describe('createUploadUrl', () => {
  it('returns a 15-minute presigned PUT URL for an object under uploads/<user>/<uuid>', async () => {
    const r = await s.call('POST', `/users/${user}/uploads`, { body: { purpose: 'POA', fileName: 'bill.pdf', contentType: 'application/pdf', size: 1000 } });
    expect(r.status, r.text).toBe(201);
    expect(r.body.key).toBe(`uploads/${user}/${r.body.uploadId as string}`);
    const url = new URL(r.body.url as string);
    expect(url.pathname).toBe(`/${LOCAL_UPLOAD_BUCKET}/uploads/${user}/${r.body.uploadId as string}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    // No SDK checksum of an empty body baked into the URL (it would make real S3 refuse the upload).
    expect([...url.searchParams.keys()].some((k) => k.toLowerCase().startsWith('x-amz-checksum'))).toBe(false);
    expect(Date.parse(r.body.expiresAt as string) - Date.now()).toBeGreaterThan(14 * 60 * 1000);
  });

  it('refuses files over 5 MB, other types and bad purposes before signing anything', async () => {
    const tooBig = await s.call('POST', `/users/${user}/uploads`, {
      body: { purpose: 'POA', fileName: 'big.pdf', contentType: 'application/pdf', size: 5 * 1024 * 1024 + 1 },
    });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.errors).toEqual([expect.objectContaining({ in: 'body', field: 'size' })]);
    const exe = await s.call('POST', `/users/${user}/uploads`, {
      body: { purpose: 'KYC', fileName: 'x.exe', contentType: 'application/x-msdownload', size: 10 },
    });
    expect(exe.status).toBe(400);
    expect(exe.body.errors).toEqual([expect.objectContaining({ field: 'contentType' })]);
    const purpose = await s.call('POST', `/users/${user}/uploads`, { body: { purpose: 'ID', fileName: 'a/b.pdf', contentType: 'application/pdf', size: 10 } });
    expect(purpose.status).toBe(400);
    expect((purpose.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['fileName', 'purpose']);
  });
});

describe('addPoaFile', () => {
  it('sends uploaded files to P100 in one multipart request; a second upload gets 202 P211', async () => {
    const a = await upload('POA', PDF, 'application/pdf');
    const b = await upload('POA', JPEG, 'image/jpg');
    const before = await poaCalls();
    const r = await s.call('POST', `/users/${user}/poa-files`, { body: { uploadIds: [a, b] } });
    expect(r.status, r.text).toBe(201);
    expect(await poaCalls()).toBe(before + 1);
    const sb = await s.control<{ poaStatus: string }>('GET', `/_sandbox/users/${user}`);
    expect(sb.poaStatus).toBe('WAITING');

    const again = await s.call('POST', `/users/${user}/poa-files`, { body: { uploadIds: [a] } });
    expect(again.status, again.text).toBe(202);
    expect(again.body.infoCode).toBe('P211');
    expect(again.headers.get('x-p100-info-code')).toBe('P211');
  });

  it('answers 413 for a file over 5 MB and calls nobody', async () => {
    const big = await rawUpload(Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5 * 1024 * 1024)]), 'application/pdf', 'POA');
    const before = await poaCalls();
    const r = await s.call('POST', `/users/${user}/poa-files`, { body: { uploadIds: [big] } });
    expect(r.status).toBe(413);
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'uploadIds.0' })]);
    expect(await poaCalls()).toBe(before);
  });

  it('answers 400 when the bytes are not what the content type says, and calls nobody', async () => {
    const fake = await upload('POA', PDF, 'image/png');
    const text = await rawUpload(Buffer.from('just text, no magic'), 'application/pdf', 'POA');
    const before = await poaCalls();
    const r = await s.call('POST', `/users/${user}/poa-files`, { body: { uploadIds: [fake, text] } });
    expect(r.status).toBe(400);
    expect((r.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['uploadIds.0', 'uploadIds.1']);
    expect(await poaCalls()).toBe(before);
  });

  it("refuses more than 3 files, duplicates, unknown uploads, other users' uploads and KYC uploads", async () => {
    const before = await poaCalls();
    const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    expect((await s.call('POST', `/users/${user}/poa-files`, { body: { uploadIds: ids } })).status).toBe(400);
    const one = await upload('POA', PDF, 'application/pdf');
    expect((await s.call('POST', `/users/${user}/poa-files`, { body: { uploadIds: [one, one] } })).status).toBe(400);
    const unknown = await s.call('POST', `/users/${user}/poa-files`, { body: { uploadIds: [randomUUID()] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'uploadIds.0' })]);

    const other = `doc-${randomUUID().slice(0, 8)}`;
    const theirs = await upload('POA', PDF, 'application/pdf', other);
    expect((await s.call('POST', `/users/${user}/poa-files`, { body: { uploadIds: [theirs] } })).status).toBe(400);

    const kyc = await upload('KYC', PDF, 'application/pdf');
    const wrongPurpose = await s.call('POST', `/users/${user}/poa-files`, { body: { uploadIds: [kyc] } });
    expect(wrongPurpose.status).toBe(400);
    expect(await poaCalls()).toBe(before);
  });
});

describe('addKycFile', () => {
  it('sends one identity document with its fileType; P100 records it', async () => {
    const id = await upload('KYC', JPEG, 'image/jpeg');
    const before = await kycCalls();
    const r = await s.call('POST', `/users/${user}/kyc-files`, { body: { uploadId: id, fileType: 'DOCUMENT_FRONT' } });
    expect(r.status, r.text).toBe(201);
    expect(await kycCalls()).toBe(before + 1);
    await s.control('POST', '/_sandbox/settle');
    const sb = await s.control<{ kycFiles: string[] }>('GET', `/_sandbox/users/${user}`);
    expect(sb.kycFiles).toContain('DOCUMENT_FRONT');
  });

  it('validates fileType and the upload before calling P100', async () => {
    const id = await upload('KYC', JPEG, 'image/jpeg');
    const before = await kycCalls();
    expect((await s.call('POST', `/users/${user}/kyc-files`, { body: { uploadId: id, fileType: 'PASSPORT_SCAN' } })).status).toBe(400);
    expect((await s.call('POST', `/users/${user}/kyc-files`, { body: { uploadId: 'not-a-uuid', fileType: 'SELFIE' } })).status).toBe(400);
    const poa = await upload('POA', PDF, 'application/pdf');
    expect((await s.call('POST', `/users/${user}/kyc-files`, { body: { uploadId: poa, fileType: 'SELFIE' } })).status).toBe(400);
    expect(await kycCalls()).toBe(before);
  });
});

describe('GET /openapi.json (local gateway)', () => {
  it('serves the generated document with every catalog operation, documents included', async () => {
    const { operations } = await import('../../shared/catalog/index.js');
    const r = await s.call('GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/json');
    expect(r.body.openapi).toBe('3.1.0');
    const ids = Object.values(r.body.paths as Record<string, Record<string, { operationId: string }>>).flatMap((item) =>
      Object.values(item).map((o) => o.operationId),
    );
    expect(ids.sort()).toEqual(operations.map((o) => o.operationId).sort());
    expect(r.body.paths['/users/{externalUserId}/poa-files'].post.operationId).toBe('addPoaFile');
  });
});
