import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * SQS, EventBridge and Lambda Invoke endpoints for the functions the Lambda model runs in processes of their own (the local
 * suite's in-process adapters cannot reach another process). They answer SendMessageBatch and PutEvents in the
 * JSON protocol the SDK v3 clients speak and keep what was sent, so the bench can feed what a receiver enqueued
 * to the processor, and a reconciliation's user batches to the user sweep. Hand-written: a few lines, no
 * stand-in library answers both services, and the bench only needs these two calls.
 */
export interface AwsSinks {
  endpoint: string;
  /** Message bodies sent, by queue URL. */
  messages: Map<string, string[]>;
  events: number;
  /** Lambda invocations asked for (a reconciliation continuing in a fresh invocation). */
  invocations: number;
  close(): Promise<void>;
}

export async function startAwsSinks(): Promise<AwsSinks> {
  const messages = new Map<string, string[]>();
  const sinks = { messages, events: 0, invocations: 0 };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      // Lambda Invoke (REST): the reconciliation hands a run on to a fresh invocation of itself. Accepted, not run.
      if (/\/functions\/[^/]+\/invocations$/.test(req.url ?? '')) {
        sinks.invocations++;
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end('{}');
        return;
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      let out: unknown;
      if (target === 'AmazonSQS.SendMessageBatch') {
        const entries = (body.Entries ?? []) as { Id: string; MessageBody: string }[];
        const list = messages.get(String(body.QueueUrl)) ?? [];
        list.push(...entries.map((e) => e.MessageBody));
        messages.set(String(body.QueueUrl), list);
        out = {
          Successful: entries.map((e) => ({ Id: e.Id, MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(e.MessageBody).digest('hex') })),
          Failed: [],
        };
      } else if (target === 'AmazonSQS.SendMessage') {
        const text = String(body.MessageBody);
        messages.set(String(body.QueueUrl), [...(messages.get(String(body.QueueUrl)) ?? []), text]);
        out = { MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(text).digest('hex') };
      } else if (target === 'AWSEvents.PutEvents') {
        const entries = (body.Entries ?? []) as unknown[];
        sinks.events += entries.length;
        out = { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) };
      } else {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: `bench sink: ${target}` }));
        return;
      }
      res.writeHead(200, { 'content-type': target.startsWith('AWSEvents') ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    messages,
    get events() {
      return sinks.events;
    },
    get invocations() {
      return sinks.invocations;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
