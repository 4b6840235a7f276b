import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { cursorPages, href, navigate } from '../router.js';
import { Badge, countLabel, Failure, Loading, Pager, Scroll, time, useLoad } from '../ui.js';
import { INBOX_STATES, type InboxEvent, WEBHOOKS } from '../types.js';

interface Page {
  items: InboxEvent[];
  cursor?: string;
}

export function InboxTable({ items, onReplay }: { items: InboxEvent[]; onReplay?: (e: InboxEvent) => void }) {
  return (
    <Scroll>
      <table class="cards">
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
              <td data-label="received">
                <a href={href(`/inbox/${e.eventId}`)}>{time(e.receivedAt)}</a>
              </td>
              <td data-label="webhook">{e.webhook}</td>
              <td data-label="entity">{e.entityId ?? ''}</td>
              <td data-label="status">{e.status ?? ''}</td>
              <td data-label="state">
                <Badge text={e.state} />
                {e.flag ? <Badge text={e.flag} /> : null}
              </td>
              <td data-label="deliveries">{e.deliveries}</td>
              <td data-label="outcome">{e.outcome ? (e.outcome.applied ? 'applied' : `not applied: ${e.outcome.reason ?? ''}`) : (e.deadReason ?? '')}</td>
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
    </Scroll>
  );
}

const PAGE = 50;

/** The inbox, filtered: state, webhook, entity and page are all in the URL (Back, Forward, reload, a shared link). */
export function InboxScreen({ params }: { params: URLSearchParams }) {
  const state = params.get('state') ?? '';
  const webhook = params.get('webhook') ?? '';
  const entity = params.get('entity') ?? '';
  const cursor = params.get('cursor') ?? '';
  const page = useLoad(() => api<Page>(`/operations/inbox${query({ status: state, webhook, entityId: entity, limit: PAGE, cursor })}`), []);
  const [draft, setDraft] = useState(entity);
  const go = (next: Record<string, string>) => navigate('/inbox', { state, webhook, entity, ...next });
  const pages = cursorPages('/inbox', params, page.data?.cursor);
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
      {page.error ? <Failure error={page.error} retry={page.reload} /> : null}
      {page.loading && !page.data ? <Loading /> : null}
      {page.data ? (
        <>
          <InboxTable items={page.data.items} />
          {page.data.items.length === 0 ? <p class="muted">No event matches.</p> : null}
          <Pager
            prev={pages.prev}
            next={pages.next}
            label={countLabel(pages.pagesBefore * PAGE, page.data.items.length, undefined, page.data.cursor !== undefined)}
          />
        </>
      ) : null}
    </>
  );
}
