import { useState } from 'preact/hooks';
import { api, runbookHref } from '../api.js';
import { describeOutcome, replayAndWait } from '../replay.js';
import { href } from '../router.js';
import { Badge, Failure, Json, Loading, Scroll, Section, time, useLoad } from '../ui.js';
import type { InboxEvent } from '../types.js';

export function InboxEventScreen({ eventId }: { eventId: string }) {
  const event = useLoad(() => api<InboxEvent>(`/operations/inbox-events/${encodeURIComponent(eventId)}`), [eventId]);
  const [replay, setReplay] = useState<{ message?: string; kind?: string; error?: Error; busy?: boolean }>({});
  const doReplay = async () => {
    setReplay({ busy: true, message: 'replaying, waiting for the outcome…' });
    try {
      const o = await replayAndWait(eventId);
      setReplay({ kind: o.kind, message: describeOutcome(o) });
      event.reload();
    } catch (e) {
      setReplay({ error: e instanceof Error ? e : new Error(String(e)) });
    }
  };
  const e = event.data;
  return (
    <>
      <h1>Inbox event</h1>
      <p class="mono">{eventId}</p>
      {event.error ? <Failure error={event.error} retry={event.reload} /> : null}
      {event.loading && !e ? <Loading /> : null}
      {e ? (
        <>
          <p>
            <Badge text={e.state} /> {e.webhook} {e.status ?? ''}{' '}
            <button type="button" data-replay={e.eventId} disabled={replay.busy} onClick={() => void doReplay()}>
              Replay
            </button>{' '}
            {replay.message ? (
              <span class={replay.kind === 'applied' ? 'ok' : 'error'} role="status" data-replay-outcome={replay.kind ?? 'waiting'}>
                {replay.message}
              </span>
            ) : null}
          </p>
          {replay.error ? <Failure error={replay.error} /> : null}
          {e.advice ? (
            <p data-advice={e.advice.replay}>
              {e.advice.todo}{' '}
              {runbookHref(e.advice.runbook) ? (
                <a href={runbookHref(e.advice.runbook)} target="_blank" rel="noreferrer">
                  runbook: {e.advice.runbook}
                </a>
              ) : (
                <span class="muted">runbook: docs/runbook.md#{e.advice.runbook}</span>
              )}
            </p>
          ) : null}
          <Section title="Deliveries and outcome">
            <Scroll>
              <table class="compact">
                <tbody>
                  <tr>
                    <th>received</th>
                    <td>{time(e.receivedAt)}</td>
                  </tr>
                  <tr>
                    <th>deliveries by P100</th>
                    <td data-field="deliveries">{e.deliveries}</td>
                  </tr>
                  <tr>
                    <th>envelope</th>
                    <td>
                      {e.envelope}
                      {e.eventType ? ` (${e.eventType})` : ''}
                    </td>
                  </tr>
                  <tr>
                    <th>outcome</th>
                    <td>
                      {e.outcome
                        ? `${e.outcome.applied ? 'applied' : `not applied (${e.outcome.reason ?? ''})`}${e.outcome.previousStatus ? `, was ${e.outcome.previousStatus}` : ''} at ${time(e.outcome.at)}`
                        : 'none yet'}
                    </td>
                  </tr>
                  <tr>
                    <th>published</th>
                    <td>{e.published ? `yes, ${time(e.processedAt)}` : 'no'}</td>
                  </tr>
                  {e.deadReason ? (
                    <tr>
                      <th>dead because</th>
                      <td>{e.deadReason}</td>
                    </tr>
                  ) : null}
                  <tr>
                    <th>operator replays</th>
                    <td data-field="replays">
                      {e.replays ?? 0}
                      {e.replayedAt ? `, last ${time(e.replayedAt)}` : ''}
                    </td>
                  </tr>
                  {e.flag ? (
                    <tr>
                      <th>flag</th>
                      <td>{e.flag}</td>
                    </tr>
                  ) : null}
                  <tr>
                    <th>sealed fields</th>
                    <td>{e.hasSealedFields ? 'yes (never shown)' : 'none'}</td>
                  </tr>
                </tbody>
              </table>
            </Scroll>
          </Section>
          <Section title="Payload (masked)">
            <Json value={e.payload} />
          </Section>
          <p>
            {e.entityId ? <a href={href('/timeline', { subject: 'operation', id: e.entityId })}>Timeline of {e.entityId}</a> : null}{' '}
            {e.externalUserId ? <a href={href('/timeline', { subject: 'user', id: e.externalUserId })}>Timeline of the user</a> : null}
          </p>
        </>
      ) : null}
    </>
  );
}
