import { api } from './api.js';
import type { InboxEvent } from './types.js';

/**
 * A replay that waits for its outcome (issue 26): the API answers once the event is back on the queue,
 * which says nothing about whether it went through. So the page reads the event until the processor has
 * decided (PROCESSED or DEAD) or `waitMs` has passed, and says which: applied, parked again and why, or
 * still queued.
 */
export type ReplayOutcome =
  | { kind: 'applied'; event: InboxEvent }
  | { kind: 'not-applied'; event: InboxEvent; why: string }
  | { kind: 'parked-again'; event: InboxEvent; why: string }
  | { kind: 'still-queued'; event: InboxEvent };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function replayAndWait(eventId: string, waitMs = 10_000): Promise<ReplayOutcome> {
  const path = `/operations/inbox-events/${encodeURIComponent(eventId)}`;
  await api(`/operations/inbox/${encodeURIComponent(eventId)}/replay`, { method: 'POST' });
  const until = Date.now() + waitMs;
  let event = await api<InboxEvent>(path);
  while ((event.state === 'ENQUEUED' || event.state === 'RECEIVED') && Date.now() < until) {
    await sleep(300);
    event = await api<InboxEvent>(path);
  }
  if (event.state === 'DEAD')
    return { kind: 'parked-again', event, why: event.flag ? `${event.flag}: ${event.deadReason ?? ''}` : (event.deadReason ?? 'no reason recorded') };
  if (event.state === 'PROCESSED')
    return event.outcome && !event.outcome.applied
      ? { kind: 'not-applied', event, why: event.outcome.reason ?? 'no reason recorded' }
      : { kind: 'applied', event };
  return { kind: 'still-queued', event };
}

export function describeOutcome(o: ReplayOutcome): string {
  switch (o.kind) {
    case 'applied':
      return 'applied: processed and published';
    case 'not-applied':
      return `processed, not applied: ${o.why}`;
    case 'parked-again':
      return `parked again (DEAD): ${o.why}`;
    case 'still-queued':
      return 'still queued: the processor has not taken it yet; look again in a minute';
  }
}
