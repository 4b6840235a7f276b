import { HttpProblem } from '../http/problem.js';
import type { OperationImpl } from '../http/operation-impl.js';
import { getInboxEvent } from '../store/inbox.js';
import { inboxEventOperatorView } from '../webhooks/operations.js';

/** `GET /operations/inbox/{eventId}`: one event as the operator sees it (masked; sealed fields never shown). */
export const getInboxEventImpl: OperationImpl = async (input) => {
  const { eventId } = input.params as { eventId: string };
  const event = await getInboxEvent(eventId);
  if (!event) throw new HttpProblem(404, 'not-found', 'Inbox event not found', `no inbox event ${eventId}`);
  return { body: inboxEventOperatorView(event) };
};
