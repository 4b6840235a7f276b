import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { EVENT_SOURCE, type DomainEvent, type EventPublisher } from '../../shared/events/index.js';
import type { LocalRoute } from '../gateway/routes.js';

/**
 * The EventBridge stand-in: keeps what the suite publishes, in order, so a developer (GET /_local/events
 * on the local gateway) and the tests can see exactly what company systems would receive. Failures can
 * be injected per event to exercise the processor's retries (a PutEvents outage).
 */

export interface LocalBusEvent {
  /** Position in this bus's feed, from 1: `GET /_local/events?after=<seq>` resumes after it (p100 listen). */
  seq: number;
  id: string;
  time: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

/** One answer of `GET /_local/events?after=<seq>`: the feed `p100 listen` reads (cli/src/cli.ts). */
export interface LocalFeedPage {
  /** Names this bus's life: a restarted suite starts a new stream, numbered from 1 again. */
  stream: string;
  lastSeq: number;
  /** The oldest position still kept; a reader behind it has missed events. */
  firstKeptSeq: number;
  events: LocalBusEvent[];
}

export interface BusFilter {
  detailType?: string;
  source?: string;
  /** Matches `detail.webhook`, `detail.entityId`, `detail.eventId` (the webhook events' fields). */
  webhook?: string;
  entityId?: string;
  eventId?: string;
}

interface Fault {
  match: (e: DomainEvent) => boolean;
  remaining: number;
}

/** Oldest events are dropped beyond this, so a long `npm start` session stays bounded. */
const MAX_KEPT = 10_000;

export class LocalEventBus implements EventPublisher {
  /**
   * Names this bus's feed: a restarted suite has a new stream, its `seq` starts again at 1, and a listener that
   * sees a new stream reads it from the start, so nothing published after the restart is skipped.
   */
  readonly stream = randomUUID();
  #seq = 0;
  #waiters = new Set<() => void>();
  #events: LocalBusEvent[] = [];
  #faults: Fault[] = [];
  /** PutEvents calls refused by injected faults. */
  refused = 0;

  async publish(events: readonly DomainEvent[]): Promise<void> {
    // PutEvents is per entry; the suite treats any failed entry as a failed call (shared/events), so do we.
    for (const e of events) {
      const f = this.#faults.find((x) => x.remaining > 0 && x.match(e));
      if (f) {
        f.remaining--;
        this.refused++;
        throw new Error('EventBridge rejected 1 event (injected fault)');
      }
    }
    const time = new Date().toISOString();
    for (const e of events) {
      this.#events.push({ seq: ++this.#seq, id: randomUUID(), time, source: EVENT_SOURCE, detailType: e.detailType, detail: structuredClone(e.detail) });
    }
    if (this.#events.length > MAX_KEPT) this.#events.splice(0, this.#events.length - MAX_KEPT);
    for (const wake of this.#waiters) wake();
  }

  /** The sequence number of the last event published (0: none yet). */
  get lastSeq(): number {
    return this.#seq;
  }

  /** The oldest sequence number still kept (events before it were dropped beyond MAX_KEPT). */
  get firstKeptSeq(): number {
    return this.#events[0]?.seq ?? this.#seq + 1;
  }

  /** Events after `after`, waiting up to `waitMs` for the first one (a long poll: the listener's feed). */
  async after(after: number, waitMs: number, limit = 500): Promise<LocalBusEvent[]> {
    if (this.#seq <= after && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(t);
          this.#waiters.delete(wake);
          resolve();
        };
        // unref: a pending long poll never keeps a stopping suite's process alive.
        const t = setTimeout(wake, waitMs).unref();
        this.#waiters.add(wake);
      });
    }
    return this.#events.filter((e) => e.seq > after).slice(0, limit);
  }

  list(filter: BusFilter = {}): LocalBusEvent[] {
    return this.#events.filter(
      (e) =>
        (!filter.detailType || e.detailType === filter.detailType) &&
        (!filter.source || e.source === filter.source) &&
        (!filter.webhook || e.detail.webhook === filter.webhook) &&
        (!filter.entityId || e.detail.entityId === filter.entityId) &&
        (!filter.eventId || e.detail.eventId === filter.eventId),
    );
  }

  /** Refuses the next `times` publishes of matching events (default: until cleared). */
  failWhen(match: (e: DomainEvent) => boolean, times = Number.POSITIVE_INFINITY): () => void {
    const fault: Fault = { match, remaining: times };
    this.#faults.push(fault);
    return () => {
      this.#faults = this.#faults.filter((f) => f !== fault);
    };
  }

  clear(): void {
    this.#events = [];
    this.#faults = [];
    this.refused = 0;
  }
}

/**
 * `GET /_local/events?detailType=&source=&webhook=&entityId=&eventId=`: what the bus received.
 * `?after=<seq>&wait=<seconds>` is the resumable feed `p100 listen` reads: the events after `seq`, in order,
 * waiting up to `wait` seconds (at most 20) for the first; the answer names the `stream` (see LocalEventBus).
 */
export function busRoute(bus: LocalEventBus): LocalRoute {
  return {
    method: 'GET',
    path: '/_local/events',
    load: async () => async (event: APIGatewayProxyEventV2) => {
      const q = event.queryStringParameters ?? {};
      if (q.after !== undefined) {
        const after = Number(q.after);
        const wait = q.wait === undefined ? 0 : Number(q.wait);
        if (!Number.isInteger(after) || after < 0 || !Number.isFinite(wait) || wait < 0 || wait > 20) {
          return {
            statusCode: 400,
            headers: { 'content-type': 'application/problem+json' },
            body: JSON.stringify({ type: 'tag:p100-suite,2026:problem/validation', title: 'after must be an integer >= 0, wait 0 to 20 seconds', status: 400 }),
          };
        }
        const events = await bus.after(after, wait * 1000);
        const body: LocalFeedPage = { stream: bus.stream, lastSeq: bus.lastSeq, firstKeptSeq: bus.firstKeptSeq, events };
        return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
      }
      const events = bus.list({
        ...(q.detailType ? { detailType: q.detailType } : {}),
        ...(q.source ? { source: q.source } : {}),
        ...(q.webhook ? { webhook: q.webhook } : {}),
        ...(q.entityId ? { entityId: q.entityId } : {}),
        ...(q.eventId ? { eventId: q.eventId } : {}),
      });
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ total: events.length, stream: bus.stream, events }) };
    },
  };
}
