import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Operation } from '../../shared/catalog/index.js';
import { accessFor, type Access } from '../../infra/lib/access.js';
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

const job = (trigger: 'webhook-queue' | 'reconcile-queue' | 'schedule'): FunctionSpec => ({ kind: 'job', name: trigger, entry: 'x', job: { name: trigger, entry: 'x', trigger, summary: '' } });

/** No capability at all. */
const nothing: Access = {
  apiKey: false,
  webhookToken: false,
  idempotency: 'none',
  ledger: 'none',
  inbox: 'none',
  sendWebhookQueue: false,
  sendReconcileQueue: false,
  putEvents: false,
  upload: 'none',
  invokeReconcile: false,
};

describe('accessFor decides grants from catalog data', () => {
  it('gives a money operation the API key, the idempotency table and ledger writes', () => {
    expect(accessFor(op('createExchange', 'money', true))).toMatchObject({ apiKey: true, webhookToken: false, idempotency: 'readWrite', ledger: 'readWrite' });
  });

  it('gives a read or write operation calling P100 the API key and no table (callUpstream touches none)', () => {
    for (const kind of ['read', 'write'] as const) {
      expect(accessFor(op('getUserBalances', kind, true))).toEqual({ ...nothing, apiKey: true });
    }
  });

  it('gives a user lifecycle step (an entry with userLedger) the API key and ledger writes, nothing else', () => {
    const spec = op('suspendUser', 'write', true);
    if (spec.kind !== 'operation') throw new Error('unreachable');
    const withLedger: FunctionSpec = { ...spec, operation: { ...spec.operation, userLedger: { externalUserId: 'params.externalUserId', facts: { status: 'SUSPENDED' } } } };
    expect(accessFor(withLedger)).toEqual({ ...nothing, apiKey: true, ledger: 'readWrite' });
  });

  it('gives createUploadUrl S3 put and nothing else (it never calls P100)', () => {
    expect(accessFor(op('createUploadUrl', 'write', false))).toEqual({ ...nothing, upload: 'put' });
  });

  it('gives addKycFile and addPoaFile S3 get and the API key, no ledger', () => {
    for (const id of ['addKycFile', 'addPoaFile']) expect(accessFor(op(id, 'write', true))).toEqual({ ...nothing, apiKey: true, upload: 'get' });
  });

  it('lets startReconciliation open a run in the ledger and invoke reconcile, and getReconciliationReport read the ledger', () => {
    expect(accessFor(op('startReconciliation', 'write', false, 'operations'))).toEqual({ ...nothing, ledger: 'readWrite', invokeReconcile: true });
    expect(accessFor(op('getReconciliationReport', 'read', false, 'operations'))).toEqual({ ...nothing, ledger: 'read' });
  });

  it('gives the inbox operator routes the inbox, replays also the webhook queue, and nothing else', () => {
    expect(accessFor(op('listInboxEvents', 'read', false, 'operations'))).toEqual({ ...nothing, inbox: 'read' });
    expect(accessFor(op('replayInboxEvent', 'write', false, 'operations'))).toEqual({ ...nothing, inbox: 'readWrite', sendWebhookQueue: true });
    expect(accessFor(op('replayDeadInboxEvents', 'write', false, 'operations'))).toEqual({ ...nothing, inbox: 'readWrite', sendWebhookQueue: true });
  });

  it('gives the jobs what their code touches', () => {
    expect(accessFor(job('webhook-queue'))).toEqual({ ...nothing, webhookToken: true, inbox: 'readWrite', ledger: 'readWrite', putEvents: true });
    expect(accessFor(job('schedule'))).toEqual({ ...nothing, apiKey: true, ledger: 'readWrite', sendReconcileQueue: true, putEvents: true, invokeReconcile: true });
    expect(accessFor(job('reconcile-queue'))).toEqual({ ...nothing, apiKey: true, ledger: 'readWrite', putEvents: true });
  });

  it('gives the health probe and the OpenAPI document nothing', () => {
    expect(accessFor({ kind: 'webhookHealth', name: 'webhook-health', entry: 'x', path: '/webhook/health' })).toEqual(nothing);
    expect(accessFor({ kind: 'openApi', name: 'openapi', entry: 'x', path: '/openapi.json' })).toEqual(nothing);
  });

  it('never gives one function both secrets', () => {
    const specs: FunctionSpec[] = [
      op('a', 'money', true),
      op('b', 'read', false),
      { kind: 'webhookHealth', name: 'webhook-health', entry: 'x', path: '/webhook/health' },
      { kind: 'openApi', name: 'openapi', entry: 'x', path: '/openapi.json' },
      ...(['webhook-queue', 'reconcile-queue', 'schedule'] as const).map(job),
    ];
    for (const spec of specs) {
      const a = accessFor(spec);
      expect(a.apiKey && a.webhookToken, spec.name).toBe(false);
    }
  });
});
