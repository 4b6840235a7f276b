import { createHash, randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { MessageQueue, QueueMessage, QueueName } from '../../shared/events/index.js';
import { QUEUE_MAX_RECEIVE_COUNT } from '../../shared/config/constants.js';
import { lambdaContext } from '../gateway/events.js';

/**
 * The SQS stand-in: an in-memory standard queue wired to its consumer the way a Lambda event source
 * mapping is. Written here because no maintained library runs an SQS event source in process; what it
 * keeps of SQS is what the suite relies on:
 * - batches of up to `batchSize` records in the SQS event shape, `ApproximateReceiveCount` included;
 * - partial batch failures (`batchItemFailures`): failed records come back after the visibility
 *   timeout, the others are deleted; a thrown handler fails the whole batch;
 * - a redrive policy: after `maxReceiveCount` receives a failing message moves to the DLQ list;
 * - one batch at a time (like a function with reserved concurrency 1), so runs are reproducible.
 */

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface LocalQueueOptions {
  name: string;
  /** Loads the consumer on first use (a cold start). */
  handler: () => Promise<SqsHandler>;
  batchSize?: number;
  /** How long a failed message stays invisible before its next receive (SQS: the visibility timeout). */
  visibilityTimeoutMs?: number;
  maxReceiveCount?: number;
  /** Consumer timeout for the Lambda context (ms). */
  timeoutMs?: number;
}

interface Stored {
  messageId: string;
  body: string;
  sentAt: number;
  firstReceivedAt?: number;
  receiveCount: number;
  visibleAt: number;
  inFlight: boolean;
}

export interface DeadLetter {
  messageId: string;
  body: string;
  receiveCount: number;
  deadAt: number;
}

/** Sent bodies kept per queue for inspection; older ones are dropped so a long `npm start` stays bounded. */
const MAX_SENT_LOG = 20_000;

export class LocalQueue {
  readonly name: string;
  readonly #o: Required<Omit<LocalQueueOptions, 'name' | 'handler'>> & Pick<LocalQueueOptions, 'handler'>;
  #messages: Stored[] = [];
  readonly dlq: DeadLetter[] = [];
  /**
   * Every message body this queue was sent, oldest first (bounded): what SQS carried, for the data drill's
   * scan (bench/drills/stores.ts). SQS keeps messages up to its retention period; so does this, by count.
   */
  readonly sentLog: { messageId: string; body: string; sentAt: number }[] = [];
  #handler?: Promise<SqsHandler>;
  #pumping = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #idleWaiters: (() => void)[] = [];
  /** Batches delivered and records received (tests and benchmarks read them). */
  readonly stats = { batches: 0, receives: 0, deleted: 0, deadLettered: 0 };

  constructor(options: LocalQueueOptions) {
    const o = { batchSize: 10, visibilityTimeoutMs: 50, maxReceiveCount: QUEUE_MAX_RECEIVE_COUNT, timeoutMs: 60_000, ...options };
    if (o.batchSize < 1 || o.batchSize > 10) throw new Error(`LocalQueue ${o.name}: batchSize must be 1..10 (the SQS limit)`);
    if (o.maxReceiveCount < 1) throw new Error(`LocalQueue ${o.name}: maxReceiveCount must be >= 1`);
    this.name = o.name;
    this.#o = o;
  }

  send(messages: readonly QueueMessage[]): void {
    if (this.#closed) throw new Error(`LocalQueue ${this.name} is closed`);
    const now = Date.now();
    for (const m of messages) {
      const messageId = randomUUID();
      this.#messages.push({ messageId, body: m.body, sentAt: now, receiveCount: 0, visibleAt: now, inFlight: false });
      this.sentLog.push({ messageId, body: m.body, sentAt: now });
    }
    if (this.sentLog.length > MAX_SENT_LOG) this.sentLog.splice(0, this.sentLog.length - MAX_SENT_LOG);
    this.#wake(0);
  }

  /** Messages waiting or in flight (not yet deleted or dead-lettered). */
  get depth(): number {
    return this.#messages.length;
  }

  /** Resolves once nothing is waiting or in flight. */
  idle(): Promise<void> {
    if (this.#messages.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Moves every dead letter back to the queue (SQS StartMessageMoveTask). */
  redriveDlq(): number {
    const moved = this.dlq.splice(0, this.dlq.length);
    const now = Date.now();
    for (const d of moved) this.#messages.push({ messageId: d.messageId, body: d.body, sentAt: now, receiveCount: 0, visibleAt: now, inFlight: false });
    this.#wake(0);
    return moved.length;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#pumping) await new Promise((r) => setTimeout(r, 5));
  }

  #wake(delayMs: number): void {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void this.#pump();
      },
      Math.max(0, delayMs),
    );
  }

  async #pump(): Promise<void> {
    if (this.#pumping || this.#closed) return;
    this.#pumping = true;
    try {
      for (;;) {
        if (this.#closed) return;
        const now = Date.now();
        const batch = this.#messages.filter((m) => !m.inFlight && m.visibleAt <= now).slice(0, this.#o.batchSize);
        if (batch.length === 0) break;
        await this.#deliver(batch);
      }
    } finally {
      this.#pumping = false;
    }
    const next = this.#messages.filter((m) => !m.inFlight).reduce((min, m) => Math.min(min, m.visibleAt), Number.POSITIVE_INFINITY);
    if (Number.isFinite(next)) this.#wake(next - Date.now());
    if (this.#messages.length === 0) for (const w of this.#idleWaiters.splice(0)) w();
  }

  async #deliver(batch: Stored[]): Promise<void> {
    const now = Date.now();
    for (const m of batch) {
      m.inFlight = true;
      m.receiveCount++;
      m.firstReceivedAt ??= now;
    }
    this.stats.batches++;
    this.stats.receives += batch.length;
    let failed: Set<string>;
    try {
      this.#handler ??= this.#o.handler();
      const handler = await this.#handler;
      const out = await handler({ Records: batch.map((m) => this.#record(m)) }, lambdaContext(`${this.name}-consumer`, this.#o.timeoutMs));
      failed = new Set((out?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      // A thrown handler (or a failed cold start) fails every record of the batch, as in Lambda.
      failed = new Set(batch.map((m) => m.messageId));
    }
    const after = Date.now();
    for (const m of batch) {
      m.inFlight = false;
      if (!failed.has(m.messageId)) {
        this.#remove(m);
        this.stats.deleted++;
      } else if (m.receiveCount >= this.#o.maxReceiveCount) {
        this.#remove(m);
        this.dlq.push({ messageId: m.messageId, body: m.body, receiveCount: m.receiveCount, deadAt: after });
        this.stats.deadLettered++;
      } else {
        m.visibleAt = after + this.#o.visibilityTimeoutMs;
      }
    }
  }

  #remove(m: Stored): void {
    this.#messages = this.#messages.filter((x) => x !== m);
  }

  #record(m: Stored): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: `${m.messageId}#${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(m.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${this.name}`,
      awsRegion: process.env.AWS_REGION ?? 'eu-central-1',
    };
  }
}

/** The suite's `MessageQueue` over local queues; sending to a queue that is not wired is an error. */
export class LocalQueues implements MessageQueue {
  readonly #queues: Partial<Record<QueueName, LocalQueue>>;

  constructor(queues: Partial<Record<QueueName, LocalQueue>>) {
    this.#queues = queues;
  }

  async send(queue: QueueName, messages: readonly QueueMessage[]): Promise<void> {
    const q = this.#queues[queue];
    if (!q) throw new Error(`no local queue "${queue}" is wired (local/suite.ts)`);
    q.send(messages);
  }

  get(queue: QueueName): LocalQueue | undefined {
    return this.#queues[queue];
  }

  async close(): Promise<void> {
    for (const q of Object.values(this.#queues)) await q?.close();
  }
}
