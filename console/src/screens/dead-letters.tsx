import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { Failure, Loading, useLoad } from '../ui.js';
import type { InboxEvent } from '../types.js';
import { InboxTable } from './inbox.js';

/**
 * The dead letters: inbox events parked DEAD (their queue message went to the DLQ after the last receive).
 * Replaying one or all puts them back on the webhook queue (replayInboxEvent, replayDeadInboxEvents).
 */
export function DeadLettersScreen() {
  const page = useLoad(() => api<{ items: InboxEvent[]; cursor?: string }>(`/operations/inbox${query({ status: 'DEAD', limit: 100 })}`), []);
  const [note, setNote] = useState<{ message?: string; error?: Error }>({});
  const act = async (call: () => Promise<string>) => {
    try {
      setNote({ message: await call() });
    } catch (e) {
      setNote({ error: e instanceof Error ? e : new Error(String(e)) });
    }
    page.reload();
  };
  const replayOne = (e: InboxEvent) =>
    void act(async () => {
      const r = await api<{ state: string }>(`/operations/inbox/${encodeURIComponent(e.eventId)}/replay`, { method: 'POST' });
      return `${e.webhook} ${e.eventId.slice(0, 12)}… replayed (${r.state})`;
    });
  const replayAll = () =>
    void act(async () => {
      const r = await api<{ replayed: number; more: boolean }>('/operations/inbox/replay-dlq', { method: 'POST', body: {} });
      return `${r.replayed} dead letters replayed${r.more ? '; more remain, replay again' : ''}`;
    });
  return (
    <>
      <h1>Dead letters</h1>
      <p>
        <button type="button" data-replay-all onClick={replayAll} disabled={!page.data?.items.length}>
          Replay all dead letters
        </button>{' '}
        {note.message ? (
          <span class="ok" role="status">
            {note.message}
          </span>
        ) : null}
      </p>
      {note.error ? <Failure error={note.error} /> : null}
      {page.error ? <Failure error={page.error} /> : null}
      {page.loading && !page.data ? <Loading /> : null}
      {page.data ? (
        page.data.items.length ? (
          <InboxTable items={page.data.items} onReplay={replayOne} />
        ) : (
          <p class="muted" data-empty>
            No dead letters.
          </p>
        )
      ) : null}
    </>
  );
}
