import type { Context } from 'aws-lambda';
import { messageQueue, setEventAdapters, type MessageQueue, type QueueMessage, type QueueName } from '../../shared/events/index.js';
import { setReconcileInvoker, type ReconcileInvoker, type ReconcilePayload } from '../../shared/reconcile/invoker.js';
import { lambdaContext } from '../gateway/events.js';
import { loadHandler } from '../gateway/suite-routes.js';
import { LocalQueue, type SqsHandler } from './queue.js';

/**
 * Reconciliation in the local suite: the `reconcile` queue (feeding the `reconcile-queue` job of
 * shared/functions.ts, functions/jobs/reconcileUsers.ts today, one message per invocation), an in-process
 * stand-in for Lambda's async invoke (startReconciliation → the `schedule` job, functions/jobs/reconcile.ts,
 * in the background), and the schedule (EventBridge Scheduler's stand-in: `RECONCILE_INTERVAL_SECONDS`).
 */

type JobHandler = (event: unknown, context: Context) => Promise<unknown>;

const JOB_TIMEOUT_MS = 900_000;

/** Entry files of the two reconciliation jobs, from the function list (local/suite.ts passes them). */
export interface ReconcileJobEntries {
  /** The scheduled / async-invoked run (`schedule` trigger). */
  run: string;
  /** The per-batch user sweep (`reconcile-queue` trigger). */
  users: string;
}

/** Lambda `InvocationType: Event` in process: runs the job in the background; `idle()` waits for it. */
export class LocalReconcileInvoker implements ReconcileInvoker {
  constructor(readonly entry: string) {}

  readonly #running = new Set<Promise<unknown>>();
  /** Invocations that threw (Lambda would retry twice; the next schedule tick resumes the run here). */
  readonly errors: unknown[] = [];

  async invoke(payload: ReconcilePayload | Record<string, never>): Promise<void> {
    const p = (async () => (await loadHandler<JobHandler>(this.entry))(payload, lambdaContext('reconcile', JOB_TIMEOUT_MS)))().catch((e: unknown) => {
      this.errors.push(e);
    });
    this.#running.add(p);
    void p.finally(() => this.#running.delete(p));
  }

  get busy(): boolean {
    return this.#running.size > 0;
  }

  async idle(): Promise<void> {
    while (this.#running.size) await Promise.all([...this.#running]);
  }
}

/** Routes `reconcile` to the local queue and everything else to the queue installed before. */
class RoutingQueue implements MessageQueue {
  constructor(
    readonly reconcile: LocalQueue,
    readonly fallback: MessageQueue,
  ) {}

  async send(queue: QueueName, messages: readonly QueueMessage[]): Promise<void> {
    if (queue === 'reconcile') this.reconcile.send(messages);
    else await this.fallback.send(queue, messages);
  }
}

export interface LocalReconciliation {
  queue: LocalQueue;
  invoker: LocalReconcileInvoker;
  /** Starts the schedule: one reconcile invocation every `seconds` (skipped while one is running). */
  schedule(seconds: number): void;
  /** Resolves when no reconcile invocation and no user batch is in progress. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Installs the local reconcile queue and invoker into this process (call after the other adapters). */
export function installLocalReconciliation(entries: ReconcileJobEntries): LocalReconciliation {
  const queue = new LocalQueue({
    name: 'reconcile',
    batchSize: 1,
    visibilityTimeoutMs: 200,
    timeoutMs: JOB_TIMEOUT_MS,
    handler: () => loadHandler<SqsHandler>(entries.users),
  });
  setEventAdapters({ queue: new RoutingQueue(queue, messageQueue()) });
  const invoker = new LocalReconcileInvoker(entries.run);
  setReconcileInvoker(invoker);
  let timer: NodeJS.Timeout | undefined;
  return {
    queue,
    invoker,
    schedule(seconds) {
      if (timer) clearInterval(timer);
      timer = setInterval(() => {
        if (!invoker.busy) void invoker.invoke({});
      }, seconds * 1000);
      timer.unref();
    },
    async idle() {
      do {
        await invoker.idle();
        await queue.idle();
      } while (invoker.busy || queue.depth > 0);
    },
    async close() {
      if (timer) clearInterval(timer);
      await invoker.idle();
      await queue.close();
    },
  };
}
