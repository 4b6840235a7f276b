import { ENV, readEnv } from '../config/env.js';
import { EVENT_SOURCE } from './source.js';

/**
 * Publishing behind two small interfaces, so the same handler code talks to EventBridge and SQS in AWS
 * and to in-process adapters locally (ARCHITECTURE.md: `events`).
 */

/** The `source` of every event the suite puts on its bus (shared/events/source.ts). */
export { EVENT_SOURCE };

export interface DomainEvent {
  /** EventBridge detail-type, e.g. `p100.exchange.status-changed`. */
  detailType: string;
  detail: Record<string, unknown>;
}

export interface EventPublisher {
  publish(events: readonly DomainEvent[]): Promise<void>;
  /** Loads what publishing needs (the SDK client) now: called at init by functions whose requests publish. */
  prepare?(): Promise<void>;
}

export interface QueueMessage {
  id: string;
  body: string;
  /** FIFO-less queues ignore it; kept for adapters that order or dedupe. */
  groupId?: string;
}

export interface MessageQueue {
  send(queue: QueueName, messages: readonly QueueMessage[]): Promise<void>;
  /** Loads what sending needs (the SDK client) now: called at init by functions whose every request enqueues. */
  prepare?(): Promise<void>;
}

export type QueueName = 'webhook' | 'reconcile';

const QUEUE_ENV: Record<QueueName, string> = { webhook: ENV.webhookQueueUrl, reconcile: ENV.reconcileQueueUrl };

/**
 * The SDK clients below are loaded with `import()`, not at module load: functions that never publish or
 * enqueue never load them (bench B2); the webhook receivers and the processor, whose requests do, load them
 * at init through `prepare()` (issue 28). A failed load is not memoised.
 */
function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    if (!p) {
      p = load();
      p.catch(() => (p = undefined));
    }
    return p;
  };
}

/** EventBridge: PutEvents in chunks of 10 (the API's limit); failed entries throw so callers retry. */
class EventBridgePublisher implements EventPublisher {
  readonly #sdk = lazy(async () => {
    const sdk = await import('@aws-sdk/client-eventbridge');
    return { sdk, client: new sdk.EventBridgeClient({}) };
  });
  async prepare(): Promise<void> {
    await this.#sdk();
  }
  async publish(events: readonly DomainEvent[]): Promise<void> {
    const bus = readEnv(ENV.eventBusName);
    if (!bus) throw new Error(`${ENV.eventBusName} is not set`);
    const { sdk, client } = await this.#sdk();
    for (let i = 0; i < events.length; i += 10) {
      const chunk = events.slice(i, i + 10);
      const out = await client.send(
        new sdk.PutEventsCommand({
          Entries: chunk.map((e) => ({ EventBusName: bus, Source: EVENT_SOURCE, DetailType: e.detailType, Detail: JSON.stringify(e.detail) })),
        }),
      );
      if (out.FailedEntryCount) throw new Error(`EventBridge rejected ${out.FailedEntryCount} of ${chunk.length} events`);
    }
  }
}

/** SQS: SendMessageBatch in chunks of 10; a partially failed batch throws so nothing is silently lost. */
class SqsQueue implements MessageQueue {
  readonly #sdk = lazy(async () => {
    const sdk = await import('@aws-sdk/client-sqs');
    return { sdk, client: new sdk.SQSClient({}) };
  });
  async prepare(): Promise<void> {
    await this.#sdk();
  }
  async send(queue: QueueName, messages: readonly QueueMessage[]): Promise<void> {
    const url = readEnv(QUEUE_ENV[queue]);
    if (!url) throw new Error(`${QUEUE_ENV[queue]} is not set`);
    const { sdk, client } = await this.#sdk();
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      const out = await client.send(
        new sdk.SendMessageBatchCommand({
          QueueUrl: url,
          Entries: chunk.map((m) => ({ Id: m.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80), MessageBody: m.body })),
        }),
      );
      if (out.Failed?.length) throw new Error(`SQS rejected ${out.Failed.length} of ${chunk.length} messages`);
    }
  }
}

let publisher: EventPublisher | undefined;
let queue: MessageQueue | undefined;

/** The container's publisher: EventBridge unless the local runner installed an in-process one. */
export function eventPublisher(): EventPublisher {
  publisher ??= new EventBridgePublisher();
  return publisher;
}

export function messageQueue(): MessageQueue {
  queue ??= new SqsQueue();
  return queue;
}

/** Installs adapters (the local runner, tests). */
export function setEventAdapters(adapters: { publisher?: EventPublisher; queue?: MessageQueue }): void {
  if (adapters.publisher) publisher = adapters.publisher;
  if (adapters.queue) queue = adapters.queue;
}
