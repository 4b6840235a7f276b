import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getOperation, operations, type Operation } from '../../shared/catalog/index.js';
import { jobs } from '../../shared/jobs.js';
import { webhooks } from '../../shared/webhooks/catalog.js';
import { accessFor, tableActionsOf, type Access } from '../../infra/lib/access.js';
import type { FunctionSpec } from '../../infra/lib/inventory.js';

/** A catalog-shaped operation for the kind defaults; the rules read kind, upstream, userLedger and resources. */
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

/** The function of a real catalog entry: what it declares is what it gets. */
function entry(operationId: string): FunctionSpec {
  const operation = getOperation(operationId);
  return { kind: 'operation', name: operationId, entry: 'x', operation };
}

/** The function of a real job definition (shared/jobs.ts). */
function job(trigger: 'webhook-queue' | 'reconcile-queue' | 'schedule'): FunctionSpec {
  const definition = jobs.find((j) => j.trigger === trigger);
  if (!definition) throw new Error(`no job with trigger ${trigger}`);
  return { kind: 'job', name: definition.name, entry: definition.entry, job: definition };
}

/** No capability at all. */
const nothing: Access = {
  apiKey: false,
  webhookToken: false,
  dataKey: false,
  data: [],
  sendWebhookQueue: false,
  sendReconcileQueue: false,
  putEvents: false,
  upload: 'none',
  invokeReconcile: false,
};

describe('accessFor decides grants from catalog data', () => {
  it('gives a money operation the API key, the data key and the withIdempotency path (idempotency table, ledger)', () => {
    expect(accessFor(op('createExchange', 'money', true))).toEqual({ ...nothing, apiKey: true, dataKey: true, data: ['money'] });
  });

  it('gives a read operation calling P100 the API key and no table (callUpstream touches none)', () => {
    expect(accessFor(op('getUserBalances', 'read', true))).toEqual({ ...nothing, apiKey: true });
  });

  it('gives a write operation calling P100 the API key, the data key and the Idempotency-Key store (issue 12)', () => {
    expect(accessFor(op('updateCardLimits', 'write', true))).toEqual({ ...nothing, apiKey: true, dataKey: true, data: ['idempotencyKey'] });
  });

  it('adds what an entry declares in `resources` to its kind defaults, whatever its operationId', () => {
    const spec = op('anyName', 'write', true);
    if (spec.kind !== 'operation') throw new Error('unreachable');
    const declaring: FunctionSpec = {
      ...spec,
      operation: { ...spec.operation, resources: { data: ['userLedger'], upload: 'get', sendWebhookQueue: true, invokeReconcile: true } },
    };
    expect(accessFor(declaring)).toEqual({
      ...nothing,
      apiKey: true,
      dataKey: true,
      data: ['idempotencyKey', 'userLedger'],
      upload: 'get',
      sendWebhookQueue: true,
      invokeReconcile: true,
    });
    // The same operationId without the declaration gets the defaults only: names decide nothing.
    expect(accessFor(op('createUploadUrl', 'write', false))).toEqual({ ...nothing, dataKey: true, data: ['idempotencyKey'] });
  });

  it('gives the card steps that move the ledger card (block, unblock, delete) the card ledger path their `cardLedger` implies', () => {
    for (const id of ['blockCard', 'unblockCard', 'deleteCard'])
      expect(accessFor(entry(id)), id).toEqual({ ...nothing, apiKey: true, dataKey: true, data: ['idempotencyKey', 'cardLedger'] });
  });

  it('gives a user lifecycle step (an entry with userLedger) its ledger path on top of the write defaults', () => {
    const spec = op('suspendUser', 'write', true);
    if (spec.kind !== 'operation') throw new Error('unreachable');
    const withLedger: FunctionSpec = {
      ...spec,
      operation: { ...spec.operation, userLedger: { externalUserId: 'params.externalUserId', facts: { status: 'SUSPENDED' } } },
    };
    expect(accessFor(withLedger)).toEqual({ ...nothing, apiKey: true, dataKey: true, data: ['idempotencyKey', 'userLedger'] });
  });

  it('gives createUploadUrl S3 put (it never calls P100) besides the write defaults', () => {
    expect(accessFor(entry('createUploadUrl'))).toEqual({ ...nothing, dataKey: true, data: ['idempotencyKey'], upload: 'put' });
  });

  it('gives addKycFile and addPoaFile S3 get and the API key, and the user facts of their step (no lifecycle: no ledger read)', () => {
    for (const id of ['addKycFile', 'addPoaFile'])
      expect(accessFor(entry(id)), id).toEqual({ ...nothing, apiKey: true, dataKey: true, data: ['idempotencyKey', 'userFacts'], upload: 'get' });
  });

  it('gives a user step that records facts only the user facts path (UpdateItem), one that moves a lifecycle the user ledger (GetItem too)', () => {
    for (const id of ['updateUser', 'extendUser', 'addUserVerification', 'createKycVerification'])
      expect(accessFor(entry(id)).data, id).toEqual(['idempotencyKey', 'userFacts']);
    for (const id of ['createUser', 'createUserWithoutKyc', 'deleteUser', 'suspendUser', 'unsuspendUser'])
      expect(accessFor(entry(id)).data, id).toEqual(['idempotencyKey', 'userLedger']);
    expect(tableActionsOf({ data: ['userFacts'] })).toEqual({ ledger: ['dynamodb:UpdateItem'] });
  });

  it('lets startReconciliation open a run and invoke reconcile, and getReconciliationReport only read', () => {
    expect(accessFor(entry('startReconciliation'))).toEqual({
      ...nothing,
      dataKey: true,
      data: ['idempotencyKey', 'startReconciliation'],
      invokeReconcile: true,
    });
    expect(accessFor(entry('getReconciliationReport'))).toEqual({ ...nothing, data: ['getReconciliationReport'] });
  });

  it('gives the inbox operator routes their inbox path, replays also the webhook queue', () => {
    expect(accessFor(entry('listInboxEvents'))).toEqual({ ...nothing, data: ['listInboxEvents'] });
    expect(accessFor(entry('replayInboxEvent'))).toEqual({ ...nothing, dataKey: true, data: ['idempotencyKey', 'replayInboxEvent'], sendWebhookQueue: true });
    expect(accessFor(entry('replayDeadInboxEvents'))).toEqual({
      ...nothing,
      dataKey: true,
      data: ['idempotencyKey', 'replayDeadInboxEvents'],
      sendWebhookQueue: true,
    });
  });

  it('gives the jobs what their code touches, the data key included', () => {
    expect(accessFor(job('webhook-queue'))).toEqual({ ...nothing, webhookToken: true, dataKey: true, data: ['webhookProcessor'], putEvents: true });
    expect(accessFor(job('schedule'))).toEqual({
      ...nothing,
      apiKey: true,
      data: ['reconcile'],
      sendReconcileQueue: true,
      putEvents: true,
      invokeReconcile: true,
    });
    expect(accessFor(job('reconcile-queue'))).toEqual({ ...nothing, apiKey: true, data: ['reconcileUsers'], putEvents: true });
  });

  it('gives webhook receivers the webhook token, the data key and their inbox path', () => {
    const w: FunctionSpec = { kind: 'webhook', name: 'webhook-x', entry: 'x', webhook: webhooks[0]! };
    expect(accessFor(w)).toEqual({ ...nothing, webhookToken: true, dataKey: true, data: ['webhookReceiver'], sendWebhookQueue: true });
  });

  it('gives the health probe and the OpenAPI document nothing', () => {
    expect(accessFor({ kind: 'webhookHealth', name: 'webhook-health', entry: 'x', path: '/webhook/health' })).toEqual(nothing);
    expect(accessFor({ kind: 'openApi', name: 'openapi', entry: 'x', path: '/openapi.json' })).toEqual(nothing);
  });

  it('never gives one function both secrets', () => {
    const specs: FunctionSpec[] = [
      op('a', 'money', true),
      op('b', 'read', false),
      ...operations.map((o) => entry(o.operationId)),
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
