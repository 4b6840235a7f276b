import { EVENT_SOURCE, isPublishedDetailType, publishedEvents } from '../../shared/events/published.js';
import type { P100Event, P100EventOf, P100EventType } from './types.js';

/**
 * The events the suite publishes on EventBridge, typed from the one table the publishers check against
 * (shared/events/published.ts; documented in shared/webhooks/EVENTS.md). `parseEvent` takes what a consumer
 * receives (an EventBridge event, or an entry of the local feed) and returns it narrowed by `detailType`.
 */

export type { P100Event, P100EventOf, P100EventType };
export { EVENT_SOURCE };

export const eventTypes = Object.keys(publishedEvents) as P100EventType[];

export class EventParseError extends Error {
  override readonly name = 'EventParseError';
  constructor(
    message: string,
    readonly detailType: string | undefined,
  ) {
    super(message);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates one event: `{ "detail-type", source, detail }` as EventBridge delivers it (SQS, Lambda), or
 * `{ detailType, source, detail }` as the local feed and `p100 listen --json` give it. `detail` may be a JSON
 * string (as PutEvents takes it). Throws EventParseError naming the bad paths (never their values).
 */
export function parseEvent(raw: unknown): P100Event {
  if (!isRecord(raw)) throw new EventParseError('an event must be an object', undefined);
  const type = raw['detail-type'] ?? raw.detailType ?? raw.DetailType;
  if (typeof type !== 'string') throw new EventParseError('the event has no detail-type', undefined);
  if (!isPublishedDetailType(type)) throw new EventParseError(`unknown detail-type ${type}`, type);
  const source = raw.source ?? raw.Source ?? EVENT_SOURCE;
  if (source !== EVENT_SOURCE) throw new EventParseError(`source ${String(source)} is not ${EVENT_SOURCE}`, type);
  let detail = raw.detail ?? raw.Detail;
  if (typeof detail === 'string') {
    try {
      detail = JSON.parse(detail);
    } catch {
      throw new EventParseError('detail is not valid JSON', type);
    }
  }
  const r = publishedEvents[type].detail.safeParse(detail);
  if (!r.success) throw new EventParseError(`${type}: ${r.error.issues.map((i) => `${i.path.join('.') || 'detail'} (${i.code})`).join(', ')}`, type);
  // The schema's output is the closed type plus P100's extra fields (kept at run time, untyped).
  return { detailType: type, source: EVENT_SOURCE, detail: r.data } as unknown as P100Event;
}

/** True when `e` is of detail-type `t` (narrows the union). */
export function isEventOf<T extends P100EventType>(e: P100Event, t: T): e is P100EventOf<T> {
  return e.detailType === t;
}
