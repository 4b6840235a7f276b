import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { href } from '../router.js';
import { Badge, Failure, Loading, time, useLoad } from '../ui.js';
import { INBOX_STATES, type InboxEvent, WEBHOOKS } from '../types.js';

interface Page {
  items: InboxEvent[];
  cursor?: string;
}

export function InboxTable({ items, onReplay }: { items: InboxEvent[]; onReplay?: (e: InboxEvent) => void }) {
  return (
    <table>
      <thead>
        <tr>
          <th>received</th>
          <th>webhook</th>
          <th>entity</th>
          <th>status</th>
          <th>state</th>
          <th>deliveries</th>
          <th>outcome</th>
          {onReplay ? <th /> : null}
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.eventId} data-event={e.eventId} data-state={e.state}>
            <td>
              <a href={href(`/inbox/${e.eventId}`)}>{time(e.receivedAt)}</a>
            </td>
            <td>{e.webhook}</td>
            <td>{e.entityId ?? ''}</td>
            <td>{e.status ?? ''}</td>
            <td>
              <Badge text={e.state} />
              {e.flag ? <Badge text={e.flag} /> : null}
            </td>
            <td>{e.deliveries}</td>
            <td>{e.outcome ? (e.outcome.applied ? 'applied' : `not applied: ${e.outcome.reason ?? ''}`) : (e.deadReason ?? '')}</td>
            {onReplay ? (
              <td>
                <button type="button" data-replay={e.eventId} onClick={() => onReplay(e)}>
                  Replay
                </button>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function InboxScreen({ params }: { params: URLSearchParams }) {
  const state = params.get('state') ?? '';
  const webhook = params.get('webhook') ?? '';
  const entity = params.get('entity') ?? '';
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const page = useLoad(
    () => api<Page>(`/operations/inbox${query({ status: state, webhook, entityId: entity, limit: 50, cursor })}`),
    [state, webhook, entity, cursor],
  );
  const [draft, setDraft] = useState(entity);
  const go = (next: Record<string, string>) => {
    setCursor(undefined);
    location.hash = href('/inbox', { state, webhook, entity, ...next });
  };
  return (
    <>
      <h1>Webhook inbox</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          go({ entity: draft.trim() });
        }}
      >
        <label>
          state{' '}
          <select name="state" value={state} onChange={(e) => go({ state: e.currentTarget.value })}>
            <option value="">any</option>
            {INBOX_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          webhook{' '}
          <select name="webhook" value={webhook} onChange={(e) => go({ webhook: e.currentTarget.value })}>
            <option value="">any</option>
            {WEBHOOKS.map((w) => (
              <option key={w} value={w}>
                {w}
              </option>
            ))}
          </select>
        </label>
        <label>
          entity or user <input name="entity" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
        </label>
        <button type="submit">Search</button>
      </form>
      {page.error ? <Failure error={page.error} /> : null}
      {page.loading && !page.data ? <Loading /> : null}
      {page.data ? (
        <>
          <InboxTable items={page.data.items} />
          {page.data.items.length === 0 ? <p class="muted">No event matches.</p> : null}
          {page.data.cursor ? (
            <button type="button" class="secondary" onClick={() => setCursor(page.data?.cursor)}>
              Next page
            </button>
          ) : null}
        </>
      ) : null}
    </>
  );
}
