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
  id: string;
  time: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
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
    for (const e of events) this.#events.push({ id: randomUUID(), time, source: EVENT_SOURCE, detailType: e.detailType, detail: structuredClone(e.detail) });
    if (this.#events.length > MAX_KEPT) this.#events.splice(0, this.#events.length - MAX_KEPT);
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

/** `GET /_local/events?detailType=&source=&webhook=&entityId=&eventId=`: what the bus received. */
export function busRoute(bus: LocalEventBus): LocalRoute {
  return {
    method: 'GET',
    path: '/_local/events',
    load: async () => async (event: APIGatewayProxyEventV2) => {
      const q = event.queryStringParameters ?? {};
      const events = bus.list({
        ...(q.detailType ? { detailType: q.detailType } : {}),
        ...(q.source ? { source: q.source } : {}),
        ...(q.webhook ? { webhook: q.webhook } : {}),
        ...(q.entityId ? { entityId: q.entityId } : {}),
        ...(q.eventId ? { eventId: q.eventId } : {}),
      });
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ total: events.length, events }) };
    },
  };
}
