import { api, query } from '../api.js';
import { DiscrepancyChart } from '../chart.js';
import { useState } from 'preact/hooks';
import { cursorPages, href } from '../router.js';
import { Badge, countLabel, Failure, Loading, Pager, Scroll, Section, time, useLoad } from '../ui.js';
import type { RunSummary } from '../types.js';

const PAGE = 30;

/** The runs, newest first, a page of 30; the page (`cursor`: the last run id of the page before) is in the URL. */
export function RunsScreen({ params }: { params: URLSearchParams }) {
  const before = params.get('cursor') ?? '';
  const runs = useLoad(() => api<{ items: RunSummary[]; more: boolean }>(`/operations/reconciliation/runs${query({ limit: PAGE, before })}`), []);
  const [started, setStarted] = useState<{ message?: string; error?: Error }>({});
  const start = async () => {
    try {
      const r = await api<{ runId: string; alreadyRunning: boolean }>('/operations/reconciliation/runs', { method: 'POST' });
      setStarted({ message: r.alreadyRunning ? `run ${r.runId} was already running` : `run ${r.runId} started (recorded with your name)` });
    } catch (e) {
      setStarted({ error: e instanceof Error ? e : new Error(String(e)) });
    }
    runs.reload();
  };
  const items = runs.data?.items ?? [];
  const pages = cursorPages('/runs', params, runs.data?.more ? items[items.length - 1]?.runId : undefined);
  return (
    <>
      <h1>Reconciliation runs</h1>
      <p>
        <button type="button" onClick={() => void start()}>
          Start a run now
        </button>{' '}
        <button type="button" class="secondary" onClick={runs.reload}>
          Refresh
        </button>{' '}
        {started.message ? (
          <span class="ok" role="status">
            {started.message}
          </span>
        ) : null}
      </p>
      {started.error ? <Failure error={started.error} /> : null}
      {runs.error ? <Failure error={runs.error} retry={runs.reload} /> : null}
      {runs.loading && !runs.data ? <Loading /> : null}
      {runs.data ? (
        <>
          <Section title="Discrepancies per run">
            <DiscrepancyChart runs={runs.data.items} />
          </Section>
          <Section title="Runs">
            <Scroll>
              <table class="cards">
                <thead>
                  <tr>
                    <th>run</th>
                    <th>status</th>
                    <th>trigger</th>
                    <th>requested</th>
                    <th>finished</th>
                    <th>matched</th>
                    <th>discrepancies</th>
                  </tr>
                </thead>
                <tbody>
                  {runs.data.items.map((r) => (
                    <tr key={r.runId} data-run={r.runId}>
                      <td data-label="run">
                        <a href={href(`/runs/${r.runId}`)}>{r.runId}</a>
                      </td>
                      <td data-label="status">
                        <Badge text={r.status} />
                      </td>
                      <td data-label="trigger">{r.trigger}</td>
                      <td data-label="requested">{time(r.requestedAt)}</td>
                      <td data-label="finished">{time(r.finishedAt)}</td>
                      <td data-label="matched">{r.counts?.matched ?? ''}</td>
                      <td data-label="discrepancies">{r.discrepancyCount ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
            {runs.data.items.length === 0 ? <p class="muted">No run yet.</p> : null}
            <Pager prev={pages.prev} next={pages.next} label={countLabel(pages.pagesBefore * PAGE, items.length, undefined, runs.data.more)} />
          </Section>
        </>
      ) : null}
    </>
  );
}
