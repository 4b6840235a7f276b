/** The in-process SQS and EventBridge stand-ins the local suite runs the webhook processor on. */
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalEventBus } from '../../local/aws/bus.js';
import { LocalQueue, LocalQueues } from '../../local/aws/queue.js';

function queue(handler: (e: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }> | Promise<void>, batchSize = 10) {
  return new LocalQueue({ name: 'test', handler: async () => async (e) => (await handler(e)) || undefined, batchSize, visibilityTimeoutMs: 1 });
}

describe('LocalQueue', () => {
  it('delivers SQS-shaped records in batches and deletes the successful ones', async () => {
    const seen: string[][] = [];
    const q = queue(async (e) => {
      seen.push(e.Records.map((r) => r.body));
      for (const r of e.Records) {
        expect(r).toMatchObject({ eventSource: 'aws:sqs', attributes: { ApproximateReceiveCount: '1' } });
        expect(r.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
      }
    }, 3);
    q.send(Array.from({ length: 7 }, (_, i) => ({ id: `m${i}`, body: `b${i}` })));
    await q.idle();
    expect(seen.flat()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
    expect(seen.every((b) => b.length <= 3)).toBe(true);
    expect(q.depth).toBe(0);
    expect(q.stats.deleted).toBe(7);
    await q.close();
  });

  it('retries only the failed records of a batch, with a growing receive count', async () => {
    const receives: Record<string, string[]> = {};
    const q = queue(async (e) => {
      const failures = [];
      for (const r of e.Records) {
        const seen = receives[r.body] ?? [];
        receives[r.body] = seen;
        seen.push(r.attributes.ApproximateReceiveCount);
        if (r.body === 'flaky' && r.attributes.ApproximateReceiveCount !== '3') failures.push({ itemIdentifier: r.messageId });
      }
      return { batchItemFailures: failures };
    });
    q.send([
      { id: '1', body: 'ok' },
      { id: '2', body: 'flaky' },
    ]);
    await q.idle();
    expect(receives).toEqual({ ok: ['1'], flaky: ['1', '2', '3'] });
    expect(q.dlq).toHaveLength(0);
    await q.close();
  });

  it('dead-letters a message after maxReceiveCount (5) failed receives; a thrown handler fails the whole batch; redrive brings it back', async () => {
    let poison = true;
    let calls = 0;
    const q = queue(async (e) => {
      calls++;
      if (poison && e.Records.some((r) => r.body === 'poison')) throw new Error('boom');
    });
    q.send([{ id: '1', body: 'poison' }]);
    await q.idle();
    expect(calls).toBe(5);
    expect(q.dlq).toHaveLength(1);
    expect(q.dlq[0]).toMatchObject({ body: 'poison', receiveCount: 5 });
    poison = false;
    expect(q.redriveDlq()).toBe(1);
    await q.idle();
    expect(q.dlq).toHaveLength(0);
    expect(calls).toBe(6);
    await q.close();
  });

  it('LocalQueues refuses a queue that is not wired; options are validated when built', async () => {
    const qs = new LocalQueues({});
    await expect(qs.send('webhook', [{ id: '1', body: 'x' }])).rejects.toThrow(/no local queue/);
    expect(() => new LocalQueue({ name: 'x', handler: async () => async () => undefined, batchSize: 11 })).toThrow(/batchSize/);
  });
});

describe('LocalEventBus', () => {
  it('keeps published events with the suite source, filters them, and refuses injected failures', async () => {
    const bus = new LocalEventBus();
    await bus.publish([{ detailType: 'p100.exchange.status-changed', detail: { webhook: 'exchange', entityId: 'e1', eventId: 'a' } }]);
    const stop = bus.failWhen((e) => e.detail.entityId === 'e2', 1);
    await expect(bus.publish([{ detailType: 'p100.exchange.status-changed', detail: { webhook: 'exchange', entityId: 'e2' } }])).rejects.toThrow(/injected/);
    await bus.publish([{ detailType: 'p100.exchange.status-changed', detail: { webhook: 'exchange', entityId: 'e2' } }]);
    stop();
    expect(bus.refused).toBe(1);
    expect(bus.list().map((e) => [e.source, e.detail.entityId])).toEqual([
      ['p100.partner-suite', 'e1'],
      ['p100.partner-suite', 'e2'],
    ]);
    expect(bus.list({ entityId: 'e1' })).toHaveLength(1);
    expect(bus.list({ eventId: 'a' })).toHaveLength(1);
    expect(bus.list({ detailType: 'other' })).toHaveLength(0);
  });
});
