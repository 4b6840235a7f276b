import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setCallGuard } from '../../local/aws/recorder.js';
import type { IamModel } from '../infra/iam-model.js';
import { strictIam, strictModel, type StrictIam } from '../support/strict-iam.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import { activeUser, busEvent, waitFor } from './webhooks-support.js';

/**
 * The focused strict-mode pass (test/support/strict-iam.ts): the local suite with every AWS call evaluated against
 * the staging template's policies at call time and refused as AWS would. One user's journey through the areas that
 * reach AWS (user steps, documents, money with its ledger entry, a webhook through receiver, queue, processor and bus,
 * a reconciliation run with its self-invoke and user sweep), then the same missing-upload request against the
 * template as it was before s3:ListBucket: AWS's 403 turns the 400 into a 500.
 */

let s: TestSuite;
let model: IamModel;
let strict: StrictIam;
let user: string;

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2048, 0x20), Buffer.from('\n%%EOF\n')]);

async function upload(bytes: Buffer, contentType: string): Promise<string> {
  const r = await s.call('POST', `/users/${user}/uploads`, { body: { purpose: 'POA', fileName: 'bill.pdf', contentType, size: bytes.byteLength } });
  expect(r.status, r.text).toBe(201);
  const put = await fetch(r.body.url as string, { method: 'PUT', headers: r.body.headers as Record<string, string>, body: bytes });
  expect(put.status).toBe(200);
  return r.body.uploadId as string;
}

beforeAll(async () => {
  model = strictModel();
  s = await startTestSuite({ settleDelayMs: 20 });
  strict = strictIam(model);
  setCallGuard(strict.guard);
  user = `strict-${randomUUID().slice(0, 8)}`;
}, 120_000);

afterAll(async () => {
  setCallGuard(undefined);
  await s?.close();
});

describe('strict mode: every call checked against the staging template', () => {
  it('lets a user journey through every AWS-facing area pass, with no call refused', async () => {
    await activeUser(s, user, { eur: '100.00' });
    const poa = await upload(PDF, 'application/pdf');
    const sent = await s.call('POST', `/users/${user}/poa-files`, { body: { uploadIds: [poa] } });
    expect(sent.status, sent.text).toBe(201);
    const missing = await s.call('POST', `/users/${user}/poa-files`, { body: { uploadIds: [randomUUID()] } });
    expect(missing.status, missing.text).toBe(400);

    const lock = await s.call('POST', `/users/${user}/exchange-locks`, { body: { currencyFrom: 'eur', currencyTo: 'btc', amount: '10' } });
    expect(lock.status, lock.text).toBe(201);
    const exchange = await s.call('POST', `/users/${user}/exchanges`, {
      headers: { 'idempotency-key': randomUUID() },
      body: { amount: '10', currencyFrom: 'eur', currencyTo: 'btc', lockId: lock.body.lockId as string },
    });
    expect(exchange.status, exchange.text).toBe(202);
    // The activation's user/status webhook went receiver → queue → processor → bus.
    await busEvent(s, 'userStatus', user);

    const run = await s.call('POST', '/operations/reconciliation/runs');
    expect(run.status, run.text).toBe(202);
    await s.local.reconciliation.idle();
    const report = await waitFor('the run report', async () => {
      const r = await s.call('GET', `/operations/reconciliation/reports/${run.body.runId as string}?limit=1`);
      return r.status === 200 && r.body.status === 'COMPLETED' ? r.body : undefined;
    });
    expect(report.status).toBe('COMPLETED');
    expect(strict.refusals).toEqual([]);
  });

  it('answers a missing upload with 500 against the template before the fix (no s3:ListBucket): S3 says 403, not 404', async () => {
    const before = structuredClone(model.functions.get('addPoaFile'));
    const fn = model.functions.get('addPoaFile');
    if (!fn || !before) throw new Error('addPoaFile is not in the template');
    fn.policies = fn.policies.map((p) => ({
      ...p,
      policy: { ...p.policy, Statement: p.policy.Statement.filter((st) => ![st.Action].flat().includes('s3:ListBucket')) },
    }));
    const old = strictIam(model);
    setCallGuard(old.guard);
    try {
      const missing = await s.call('POST', `/users/${user}/poa-files`, { body: { uploadIds: [randomUUID()] } });
      expect(missing.status, missing.text).toBe(500);
      expect(old.refusals).toEqual([expect.objectContaining({ fn: 'addPoaFile', action: 's3:ListBucket', verdict: 'ImplicitlyDenied' })]);
    } finally {
      model.functions.set('addPoaFile', before);
      setCallGuard(strict.guard);
    }
  });
});
