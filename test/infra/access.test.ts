import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Operation } from '../../shared/catalog/index.js';
import { accessFor } from '../../infra/lib/access.js';
import type { FunctionSpec } from '../../infra/lib/inventory.js';

/** A catalog-shaped operation for the grant rules; the rules read only kind, area, upstream and operationId. */
function op(operationId: string, kind: Operation['kind'], upstream: boolean, area: Operation['area'] = 'users'): FunctionSpec {
  const operation: Operation = {
    operationId,
    area,
    summary: 'test',
    route: { method: 'POST', path: `/${operationId}` },
    upstream: upstream ? { method: 'POST', path: '/v1/x' } : null,
    kind,
    confidence: 'L',
    request: {},
    response: z.unknown(),
    redact: [],
  };
  return { kind: 'operation', name: operationId, entry: `functions/${area}/${operationId}.ts`, operation };
}

describe('accessFor decides grants from catalog data', () => {
  it('gives a money operation the API key, the idempotency table and ledger writes', () => {
    expect(accessFor(op('createExchange', 'money', true))).toMatchObject({ apiKey: true, webhookToken: false, idempotency: 'readWrite', ledger: 'readWrite' });
  });

  it('gives a read operation ledger reads only and no idempotency table', () => {
    expect(accessFor(op('getUserBalances', 'read', true))).toMatchObject({ apiKey: true, idempotency: 'none', ledger: 'read', upload: 'none' });
  });

  it('gives createUploadUrl S3 put and no API key (it never calls P100)', () => {
    expect(accessFor(op('createUploadUrl', 'write', false))).toMatchObject({ apiKey: false, upload: 'put', ledger: 'none' });
  });

  it('gives addKycFile and addPoaFile S3 get', () => {
    for (const id of ['addKycFile', 'addPoaFile']) expect(accessFor(op(id, 'write', true)).upload).toBe('get');
  });

  it('lets startReconciliation invoke reconcile, and the inbox operations reach inbox and webhook queue', () => {
    expect(accessFor(op('startReconciliation', 'write', false)).invokeReconcile).toBe(true);
    expect(accessFor(op('listInboxEvents', 'read', false, 'operations'))).toMatchObject({ inbox: 'read', sendWebhookQueue: false });
    expect(accessFor(op('replayInboxEvent', 'write', false, 'operations'))).toMatchObject({ inbox: 'readWrite', sendWebhookQueue: true });
    expect(accessFor(op('replayDeadInboxEvents', 'write', false, 'operations'))).toMatchObject({ inbox: 'readWrite', sendWebhookQueue: true, ledger: 'none' });
  });

  it('never gives one function both secrets', () => {
    const specs: FunctionSpec[] = [
      op('a', 'money', true),
      op('b', 'read', false),
      { kind: 'webhookHealth', name: 'webhook-health', entry: 'x', path: '/webhook/health' },
      ...(['webhook-queue', 'reconcile-queue', 'schedule'] as const).map(
        (trigger): FunctionSpec => ({ kind: 'job', name: trigger, entry: 'x', job: { name: trigger, entry: 'x', trigger, summary: '' } }),
      ),
    ];
    for (const spec of specs) {
      const a = accessFor(spec);
      expect(a.apiKey && a.webhookToken, spec.name).toBe(false);
    }
  });
});
