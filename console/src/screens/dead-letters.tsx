import { useRef, useState } from 'preact/hooks';
import { api, query, runbookHref } from '../api.js';
import { cursorPages, href } from '../router.js';
import { Badge, countLabel, Failure, Loading, Pager, Scroll, time, useLoad } from '../ui.js';
import { describeOutcome, replayAndWait, type ReplayOutcome } from '../replay.js';
import type { InboxEvent } from '../types.js';

interface Page {
  items: InboxEvent[];
  cursor?: string;
}

const PAGE = 50;
/** Dead letters one bulk replay reads at most (pages of 100): past it, the confirmation says "more than". */
const BULK_MAX = 1000;

const ADVICE_LABEL = { helps: 'replay helps', 'after-fix': 'replay helps after the fix', 'cannot-help': 'replay cannot help' } as const;

function Advice({ e }: { e: InboxEvent }) {
  if (!e.advice) return null;
  const link = runbookHref(e.advice.runbook);
  return (
    <div data-advice={e.advice.replay}>
      <strong>{ADVICE_LABEL[e.advice.replay]}</strong>: {e.advice.todo}{' '}
      {link ? (
        <a href={link} target="_blank" rel="noreferrer">
          runbook: {e.advice.runbook}
        </a>
      ) : (
        <span class="muted">runbook: docs/runbook.md#{e.advice.runbook}</span>
      )}
    </div>
  );
}

interface Bulk {
  total: number;
  more: boolean;
  done: number;
  counts: Record<ReplayOutcome['kind'], number>;
  running: boolean;
  stopped: boolean;
}

/**
 * The dead letters: inbox events parked DEAD. Each says whether a replay can help and links its runbook
 * entry. A replay waits for the outcome (replay.ts). "Replay all" lists them first, asks, then replays
 * one at a time with progress and counts, and can be stopped between two.
 */
export function DeadLettersScreen({ params }: { params: URLSearchParams }) {
  const cursor = params.get('cursor') ?? '';
  const page = useLoad(() => api<Page>(`/operations/inbox${query({ status: 'DEAD', limit: PAGE, cursor })}`), []);
  const [one, setOne] = useState<{ eventId?: string; message?: string; kind?: string; error?: Error; busy?: boolean }>({});
  const [confirm, setConfirm] = useState<{ events: InboxEvent[]; more: boolean } | undefined>();
  const [bulk, setBulk] = useState<Bulk | undefined>();
  const stop = useRef(false);

  const replayOne = async (e: InboxEvent) => {
    setOne({ eventId: e.eventId, busy: true, message: 'replaying, waiting for the outcome…' });
    try {
      const o = await replayAndWait(e.eventId);
      setOne({ eventId: e.eventId, kind: o.kind, message: `${e.webhook} ${e.eventId.slice(0, 12)}…: ${describeOutcome(o)}` });
    } catch (err) {
      setOne({ eventId: e.eventId, error: err instanceof Error ? err : new Error(String(err)) });
    }
  };

  const askAll = async () => {
    const events: InboxEvent[] = [];
    let next: string | undefined;
    do {
      const p: Page = await api<Page>(`/operations/inbox${query({ status: 'DEAD', limit: 100, cursor: next })}`);
      events.push(...p.items);
      next = p.cursor;
    } while (next && events.length < BULK_MAX);
    setConfirm({ events, more: next !== undefined });
  };

  const runAll = async (events: InboxEvent[], more: boolean) => {
    setConfirm(undefined);
    stop.current = false;
    const state: Bulk = {
      total: events.length,
      more,
      done: 0,
      counts: { applied: 0, 'not-applied': 0, 'parked-again': 0, 'still-queued': 0 },
      running: true,
      stopped: false,
    };
    setBulk({ ...state });
    for (const e of events) {
      if (stop.current) {
        state.stopped = true;
        break;
      }
      try {
        const o = await replayAndWait(e.eventId, 5_000);
        state.counts[o.kind]++;
      } catch {
        state.counts['still-queued']++;
      }
      state.done++;
      setBulk({ ...state, counts: { ...state.counts } });
    }
    state.running = false;
    setBulk({ ...state, counts: { ...state.counts } });
    page.reload();
  };

  const d = page.data;
  const pages = cursorPages('/dead-letters', params, d?.cursor);
  return (
    <>
      <h1>Dead letters</h1>
      <p>
        <button type="button" data-replay-all onClick={() => void askAll()} disabled={!d?.items.length || bulk?.running}>
          Replay all dead letters…
        </button>
      </p>
      {confirm ? (
        <div class="confirm" role="alertdialog" aria-labelledby="confirm-title" data-confirm>
          <p id="confirm-title">
            Replay {confirm.more ? `the first ${confirm.events.length} of more than ${confirm.events.length}` : `all ${confirm.events.length}`} dead letters?
            Those marked "replay cannot help" will be parked again.
          </p>
          <button type="button" data-confirm-yes onClick={() => void runAll(confirm.events, confirm.more)}>
            Replay {confirm.events.length}
          </button>{' '}
          <button type="button" class="secondary" onClick={() => setConfirm(undefined)}>
            Cancel
          </button>
        </div>
      ) : null}
      {bulk ? (
        <div class="bulk" role="status" data-bulk={bulk.running ? 'running' : bulk.stopped ? 'stopped' : 'done'}>
          <progress max={bulk.total} value={bulk.done} aria-label="bulk replay progress" />{' '}
          <span data-bulk-progress>
            {bulk.done} of {bulk.total}
            {bulk.more ? ' (more remain)' : ''} replayed: {bulk.counts.applied} applied, {bulk.counts['parked-again']} parked again,{' '}
            {bulk.counts['not-applied']} not applied, {bulk.counts['still-queued']} still queued{bulk.stopped ? '. Stopped.' : bulk.running ? '…' : '.'}
          </span>{' '}
          {bulk.running ? (
            <button type="button" class="secondary" data-bulk-stop onClick={() => (stop.current = true)}>
              Stop
            </button>
          ) : null}
        </div>
      ) : null}
      {one.message ? (
        <p class={one.kind === 'applied' ? 'ok' : 'error'} role="status" data-replay-outcome={one.kind ?? 'waiting'}>
          {one.message}
        </p>
      ) : null}
      {one.error ? <Failure error={one.error} /> : null}
      {page.error ? <Failure error={page.error} retry={page.reload} /> : null}
      {page.loading && !d ? <Loading /> : null}
      {d ? (
        d.items.length ? (
          <>
            <Scroll>
              <table class="cards">
                <thead>
                  <tr>
                    <th>received</th>
                    <th>webhook</th>
                    <th>entity</th>
                    <th>why dead, and what helps</th>
                    <th>replays</th>
                    <th>
                      <span class="sr-only">action</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.items.map((e) => (
                    <tr key={e.eventId} data-event={e.eventId} data-state={e.state}>
                      <td data-label="received">
                        <a href={href(`/inbox/${e.eventId}`)}>{time(e.receivedAt)}</a>
                      </td>
                      <td data-label="webhook">
                        {e.webhook} {e.status ?? ''}
                      </td>
                      <td data-label="entity">{e.entityId ?? ''}</td>
                      <td data-label="why">
                        {e.flag ? <Badge text={e.flag} /> : null}
                        {e.deadReason ?? ''}
                        <Advice e={e} />
                      </td>
                      <td data-label="replays">{e.replays ?? 0}</td>
                      <td>
                        <button type="button" data-replay={e.eventId} disabled={one.busy && one.eventId === e.eventId} onClick={() => void replayOne(e)}>
                          Replay
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
            <Pager prev={pages.prev} next={pages.next} label={countLabel(pages.pagesBefore * PAGE, d.items.length, undefined, d.cursor !== undefined)} />
          </>
        ) : (
          <p class="muted" data-empty>
            No dead letters.
          </p>
        )
      ) : null}
    </>
  );
}
